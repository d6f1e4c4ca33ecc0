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
        int[] widths = Integers(args.GetValue(_widths)!, "--widths");
        int steps = args.GetValue(_steps) is { } s ? Integers(s, "--steps").Single() : 4;
        int seeds = args.GetValue(_seeds) is { } k ? Integers(k, "--seeds").Single() : 3;
        string output = args.GetValue(_out) ?? Path.Combine("results", "coord-check-" + Path.GetFileNameWithoutExtension(config.File));
        Console.Error.WriteLine($"coord-check: widths {string.Join(",", widths)} × {seeds} seeds, {steps} steps of {config.Setup.Optimizer.Kind}, " +
                                $"parameterization {config.Setup.Arch.Abc?.Name ?? config.Setup.Arch.Parameterization.ToString().ToLowerInvariant()}");
        var result = ConsoleProgress.Fraction("coord-check", progress => CoordinateCheckRun.Execute(config, widths, steps, seeds, output, progress, _cancel));
        Console.WriteLine("slope of log RMS against log width (0: flat)");
        Console.Write(CoordinateCheckRun.Table(result));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest |slope| {result.WorstSlope:F2}; wrote {output}/coord-check.csv, .json, .png, .svg"));
        return 0;
    }

    private static int[] Integers(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new InvalidInputException("command line", option, $"'{p}' is not a whole number")).ToArray();
        if (values.Length == 0 || (option != "--widths" && values.Length != 1))
            throw new InvalidInputException("command line", option, option == "--widths" ? "must list widths, e.g. 64,128,256" : "takes one whole number");
        return values;
    }
}
