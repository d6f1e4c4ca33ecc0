using System.CommandLine;
using LinearizationLab.Reporting;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab report --results DIR [--out FILE.html]</c>: writes a sweep's output folder as one self-contained HTML page
/// (<see cref="SweepReport"/>): config, slope table, figures, grid points, runs and diverged runs.
/// </summary>
public sealed class ReportCommand : Command
{
    private readonly Option<string> _results = LabOptions.Value("--results", "DIR",
        "A sweep's output folder (runs/, summary.json, plots/ with the SVG figures, config.json)", required: true);
    private readonly Option<string> _out = LabOptions.Value("--out", "FILE.html",
        $"The page to write [default: DIR/{SweepReport.FileName}]");

    /// <summary>Creates the command.</summary>
    public ReportCommand()
        : base("report", "Write a sweep's results as one self-contained HTML page: config, slope table, figures, runs, diverged runs")
    {
        Options.Add(_results);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        var report = SweepReport.Read(args.GetRequiredValue(_results));
        string path = report.Write(args.GetValue(_out));
        Console.WriteLine($"wrote {path} ({report.RunResults.Count} runs, {report.Summary.Fits.Count} fits, {report.FigureFiles.Count} figures)");
        return 0;
    }
}
