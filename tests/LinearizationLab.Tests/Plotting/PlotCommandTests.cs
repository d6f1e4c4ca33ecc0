using LinearizationLab.Cli.Commands;

namespace LinearizationLab.Tests.Plotting;

// Shares the collection of the other CLI tests: Lab.Run writes to the global Console.
[Collection("TorchSharp")]
public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-plot-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFolderWithoutRunsIsBadInputNamingTheFolder()
    {
        var e = Assert.Throws<InvalidInputException>(() => PlotCommand.Draw(_dir, Path.Combine(_dir, "plots")));

        Assert.Equal(_dir, e.File);
        Assert.Equal("runs", e.Field);
        Assert.False(Directory.Exists(Path.Combine(_dir, "plots")));
    }

    [Fact]
    public void LabPlotWithoutRunsExitsWithCode2()
    {
        var old = Console.Error;
        Console.SetError(new StringWriter());
        try { Assert.Equal(2, LinearizationLab.Cli.Lab.Run(["plot", "--results", _dir, "--out", Path.Combine(_dir, "plots")])); }
        finally { Console.SetError(old); }
    }
}
