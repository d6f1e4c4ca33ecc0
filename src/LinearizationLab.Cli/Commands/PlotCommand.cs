using LinearizationLab.Experiments;
using LinearizationLab.Plotting;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab plot --results DIR [--out plots/NAME/]</c>: draws the figures of a sweep's output folder as PNG and SVG.</summary>
public static class PlotCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        var cl = new CommandLine(args, ["results", "out"], []);
        string results = cl.Required("results");
        string output = cl.Optional("out") ?? Path.Combine("plots", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(results))));
        int figures = Draw(results, output);
        Console.WriteLine($"wrote {figures} figures (PNG and SVG) to {output}");
        return 0;
    }

    /// <summary>Draws every figure of <paramref name="resultsDir"/> into <paramref name="plotsDir"/>; returns the number of figures written.</summary>
    public static int Draw(string resultsDir, string plotsDir)
    {
        var runs = SweepStore.ReadAll(resultsDir);
        if (runs.Count == 0) throw new InvalidInputException(resultsDir, "runs", "no run results found");
        var files = SweepFigures.Draw(runs, SweepInfo.TryRead(resultsDir), plotsDir);
        return files.Count(f => f.EndsWith(".png", StringComparison.Ordinal));
    }
}
