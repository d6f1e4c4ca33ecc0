using System.CommandLine;
using LinearizationLab.Plotting;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab plot --results DIR [--out plots/NAME/]</c>: draws the figures of a sweep's output folder as PNG and SVG.</summary>
public sealed class PlotCommand : Command
{
    private readonly Option<string> _results = LabOptions.Value("--results", "DIR",
        "A sweep's output folder (runs/ and, when present, sweep.json)", required: true);
    private readonly Option<string> _out = LabOptions.Out(
        "Folder of the figures [default: plots/NAME, NAME the name of the --results folder]", required: false);

    /// <summary>Creates the command.</summary>
    public PlotCommand()
        : base("plot", "Draw a sweep's figures (PNG and SVG): scaling with width, training curves, kernels, spectrum, predictive bands")
    {
        Options.Add(_results);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string results = args.GetRequiredValue(_results);
        string output = args.GetValue(_out)
            ?? Path.Combine("plots", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(results))));
        int figures = SweepFigures.Count(SweepFigures.Draw(results, output));
        Console.WriteLine($"wrote {figures} figures (PNG and SVG) to {output}");
        return 0;
    }
}
