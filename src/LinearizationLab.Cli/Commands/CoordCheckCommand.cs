using System.CommandLine;
using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Runs;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab coord-check C.json --widths W,… --steps k [--seeds S] [--out DIR]</c>: mup's coordinate check of a run config
/// (<see cref="CoordinateCheckRun"/>); prints the slope of every layer's coordinate size against width per step.
/// </summary>
public sealed class CoordCheckCommand : Command
{
    private readonly CancellationToken _cancel;
    private readonly Argument<string> _config = new("C.json") { Description = "Run config (as for lab train): arch template, data, loss, optimizer" };
    private readonly Option<string> _widths = LabOptions.Value("--widths", "W,…", "Hidden widths, at least two (e.g. 64,128,256,512)", required: true);
    private readonly Option<string> _steps = LabOptions.Value("--steps", "k", "Training steps; sizes are recorded after steps 0…k [default: 4]");
    private readonly Option<string> _seeds = LabOptions.Value("--seeds", "S", "Seeds per width, averaged [default: 3]");
    private readonly Option<string> _out = LabOptions.Out("Output folder for coord-check.csv, .json, .png, .svg [default: results/coord-check-NAME]", required: false);

    /// <summary>Creates the command; <paramref name="cancel"/> stops it between steps.</summary>
    public CoordCheckCommand(CancellationToken cancel)
        : base("coord-check", "Coordinate check (microsoft/mup): per layer, the RMS of pre-activations and activations and of their " +
                              "change after steps 0…k against width, with a slope per layer and step; flat under a correct μP")
    {
        _cancel = cancel;
        Arguments.Add(_config);
        foreach (var option in new[] { _widths, _steps, _seeds, _out }) Options.Add(option);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        var config = RunConfig.Load(args.GetValue(_config)!);
        int[] widths = LabOptions.Integers(args.GetValue(_widths)!, _widths.Name, 1);
        int steps = args.GetValue(_steps) is { } s ? LabOptions.Integer(s, _steps.Name, 1) : 4;
        int seeds = args.GetValue(_seeds) is { } k ? LabOptions.Integer(k, _seeds.Name, 1) : 3;
        CoordinateCheckRun.CheckOptions(config, widths, steps, seeds);
        string output = args.GetValue(_out) ?? Path.Combine("results", "coord-check-" + Path.GetFileNameWithoutExtension(config.File));
        Console.Error.WriteLine($"coord-check: widths {string.Join(",", widths)} × {seeds} seeds, {steps} steps of {config.Setup.Optimizer.Kind}, " +
                                $"parameterization {config.Setup.Arch.Abc?.Name ?? config.Setup.Arch.Parameterization.ToString().ToLowerInvariant()}");
        var result = ConsoleProgress.Fraction("coord-check", progress => CoordinateCheckRun.Execute(config, widths, steps, seeds, output, progress, _cancel));
        Console.WriteLine("slope of log RMS against log width (0: flat)");
        Console.Write(CoordinateCheckRun.Table(result));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest |slope| {result.WorstSlope:F2}; wrote {output}/coord-check.csv, .json, .png, .svg"));
        return 0;
    }
}
