using LinearizationLab.Configuration;
using LinearizationLab.Experiments;

using LinearizationLab.Runs;
using LinearizationLab.Tests.Experiments;

namespace LinearizationLab.Tests.Runs;

/// <summary>
/// Facts about <see cref="WidthSweep"/>: one call goes from the spec to runs, summary and figures; a rerun keeps what
/// is done; a shard runs its share; a cancelled sweep writes no summary or figures.
/// </summary>
[Collection("TorchSharp")]
public sealed class WidthSweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("width-sweep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Widths 16, 32 × seeds 0, 1: four runs.
    private WidthSweep Sweep(string name) =>
        new(SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(), "sweep.json")), Path.Combine(_dir, name));

    [Fact]
    public void ARunWritesRunsSummaryAndFiguresAndARerunKeepsThem()
    {
        var sweep = Sweep("all");
        var progress = new List<SweepProgress>();
        var result = sweep.Run(progress: new ActionProgress<SweepProgress>(progress.Add));

        Assert.Equal((4, 0), (result.Ran, result.Skipped));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(sweep.OutputDirectory, "runs")).Length);
        Assert.Equal(4, result.Summary.Runs);
        Assert.Equal(result.Summary.ToJson(), File.ReadAllText(Path.Combine(sweep.OutputDirectory, "summary.json")));
        Assert.True(File.Exists(Path.Combine(sweep.OutputDirectory, "summary.csv")));
        Assert.Equal(sweep.Spec.ToJson(), File.ReadAllText(Path.Combine(sweep.OutputDirectory, SweepSpec.ConfigFileName)));
        Assert.Equal(sweep.ReportFile, result.ReportFile);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(sweep.ReportFile), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(sweep.OutputDirectory, "plots"), sweep.PlotsDirectory);
        Assert.Equal(Directory.GetFiles(sweep.PlotsDirectory).Order(), result.FigureFiles.Order());
        Assert.Equal(Directory.GetFiles(sweep.PlotsDirectory, "*.png").Length, result.FigureCount);
        // The analytic kernels first, up to all of them, then the runs.
        Assert.Equal(WidthSweep.KernelPhase, progress[0].Phase);
        Assert.Equal(1.0, progress.Last(p => p.Phase == WidthSweep.KernelPhase).Fraction);
        Assert.Contains(progress, p => p is { Phase: "done", Done: 4, Total: 4 });

        var again = sweep.Run();
        Assert.Equal((0, 4), (again.Ran, again.Skipped));
        Assert.Equal(result.Summary.ToJson(), again.Summary.ToJson());
    }

    [Fact]
    public void AShardRunsItsShareAndSummarisesTheFolder()
    {
        var sweep = Sweep("shard");
        var result = sweep.Run(ShardAssignment.Parse("1/2"));
        Assert.Equal((2, 0), (result.Ran, result.Skipped));
        Assert.Equal(2, result.Summary.Runs);
        Assert.True(result.FigureCount > 0);
    }

    [Fact]
    public void ACancelledSweepKeepsItsFinishedRunsAndWritesNoSummaryOrFigures()
    {
        var sweep = Sweep("cancelled");
        using var cancel = new CancellationTokenSource();
        var progress = new ActionProgress<SweepProgress>(p => { if (p is { Phase: "done", Done: 1 }) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => sweep.Run(progress: progress, cancel: cancel.Token));
        Assert.Single(Directory.GetFiles(Path.Combine(sweep.OutputDirectory, "runs")));
        Assert.False(File.Exists(Path.Combine(sweep.OutputDirectory, "summary.json")));
        Assert.False(Directory.Exists(sweep.PlotsDirectory));
        Assert.False(File.Exists(sweep.ReportFile));
        Assert.False(File.Exists(Path.Combine(sweep.OutputDirectory, SweepSpec.ConfigFileName)));
    }
}
