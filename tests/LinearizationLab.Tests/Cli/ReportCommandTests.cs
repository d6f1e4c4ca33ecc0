using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Reporting;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab report</c>: it writes the page where asked and says what it holds; a folder without runs is one line, exit code 2.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-report-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ItWritesThePageToTheFolderOrToOut()
    {
        string runs = Directory.CreateDirectory(Path.Combine(_dir, "results", "runs")).FullName;
        foreach (int width in new[] { 16, 64 })
            SweepStore.Write(Path.Combine(runs, $"w{width:D4}-s0.json"), new SweepRunResult
            {
                Width = width,
                Checkpoints = [new SweepCheckpoint(3, [(KernelDriftMetric.Name, 1.0 / width)])],
            });
        SweepSummary.WriteFiles(Path.Combine(_dir, "results"));

        var (code, stdout, stderr) = LabConsole.Run("report", "--results", Path.Combine(_dir, "results"));
        Assert.Equal((0, ""), (code, stderr));
        string page = Path.Combine(_dir, "results", SweepReport.FileName);
        Assert.Equal($"wrote {page} (2 runs, 1 fits, 0 figures)", stdout.Trim());

        string other = Path.Combine(_dir, "pages", "sweep.html");
        Assert.Equal(0, LabConsole.Run("report", "--results", Path.Combine(_dir, "results"), "--out", other).Code);
        Assert.Equal(File.ReadAllText(page), File.ReadAllText(other));
    }

    [Fact]
    public void AFolderWithoutRunsIsOneLineAndExitCodeTwo()
    {
        var (code, _, stderr) = LabConsole.Run("report", "--results", _dir);
        Assert.Equal(2, code);
        Assert.Equal($"error: {_dir}: runs: no run results found (not the output folder of lab sweep)", stderr.Trim());
    }
}
