namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab plot</c>: a folder without runs is bad input, exit code 2, naming the folder.</summary>
[Collection("TorchSharp")]
public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-plot-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LabPlotWithoutRunsExits2NamingTheFolderAndDrawsNothing()
    {
        string plots = Path.Combine(_dir, "plots");
        var (code, _, stderr) = LabConsole.Run("plot", "--results", _dir, "--out", plots);
        Assert.Equal(2, code);
        Assert.Equal($"error: {_dir}: runs: no run results found", stderr.Trim());
        Assert.False(Directory.Exists(plots));
    }
}
