using System.CommandLine;
using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Runs;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab sweep [--config] experiments/NAME.json [--out DIR] [--shard i/k | --shard-count K]</c>: runs (or resumes) a
/// width sweep, or one shard of it (from --shard, a Slurm array task, or a Kubernetes Indexed Job with --shard-count,
/// see <see cref="ShardAssignment"/>), through <see cref="WidthSweep"/>, and prints the slope table.
/// </summary>
public sealed class SweepCommand : Command
{
    private readonly CancellationToken _cancel;
    private readonly Argument<string?> _configArgument = new("S.json")
    {
        Description = "Sweep config (experiments/NAME.json: arch template, widths, seeds, data, optimizer, steps); or give it as --config",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private readonly Option<string> _config = LabOptions.Value("--config", "S.json", "Sweep config, the same as the first argument");
    private readonly Option<string> _out = LabOptions.Out(
        "Output folder: runs/, sweep.json, config.json, summary.csv, summary.json, plots/, report.html; a rerun resumes it [default: results/NAME]", required: false);
    private readonly Option<string> _shard = LabOptions.Value("--shard", "i/k",
        "Run shard i of k only (every k-th run from run i), into the same --out as the other shards; without it the shard of a " +
        "Slurm array task (SLURM_ARRAY_TASK_ID) or of a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of --shard-count K), " +
        "else all runs");
    private readonly Option<string> _shardCount = LabOptions.Value("--shard-count", "K",
        "Number of shards of a Kubernetes Indexed Job (its completions), whose pod takes shard JOB_COMPLETION_INDEX");

    /// <summary>Creates the command; <paramref name="cancel"/> stops the sweep inside its current run, which is not written.</summary>
    public SweepCommand(CancellationToken cancel)
        : base("sweep", "Width sweep of network vs linearization vs infinite width: runs (or resumes) every width × seed, " +
                        "then writes the slope table and the figures")
    {
        _cancel = cancel;
        Arguments.Add(_configArgument);
        foreach (var option in new[] { _config, _out, _shard, _shardCount }) Options.Add(option);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string? positional = args.GetValue(_configArgument), named = args.GetValue(_config);
        if (positional is not null && named is not null)
            throw new InvalidInputException("command line", _config.Name, "give the config once, as --config S.json or as the first argument");
        var spec = SweepSpec.Load(positional ?? named ?? throw new InvalidInputException("command line", _config.Name, "is required"));
        string output = args.GetValue(_out) ?? Path.Combine("results", spec.Name);
        var shard = ShardAssignment.Resolve(args.GetValue(_shard), args.GetValue(_shardCount));
        Console.Error.WriteLine($"sweep {spec.Name}: widths {string.Join(",", spec.Widths)} × {spec.Seeds.Count} seeds, " +
                                $"{spec.Setup.Steps} steps, {spec.Setup.Settings.DTypeName}; results in {output}");
        Console.Error.WriteLine($"sweep: {shard}");
        Console.Error.WriteLine("sweep: computing the analytic kernels");
        var sweep = new WidthSweep(spec, output);
        var result = ConsoleProgress.Sweep(progress => sweep.Run(shard, progress, _cancel));
        if (result.Skipped > 0) Console.Error.WriteLine($"sweep: {result.Skipped} runs were already done and were kept");
        Console.WriteLine(result.Summary.Table());
        if (SweepComparison.WorthShowing(result.Comparison))
            Console.WriteLine(SweepComparison.Text(result.Comparison));
        Console.Error.WriteLine(result.Summary.Runs > 0
            ? $"sweep: {result.FigureCount} figures in {sweep.PlotsDirectory}"
            : "sweep: this shard has no runs and the folder none yet, so no figures");
        if (result.ReportFile is not null) Console.Error.WriteLine($"sweep: report in {result.ReportFile}");
        Console.Error.WriteLine("sweep: this process: " + string.Join(", ", result.Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.#} s"))));
        if (result.RunPhases is { } runPhases)
            Console.Error.WriteLine($"sweep: where the runs' time went (summed over {result.Summary.Runs} runs, phase_seconds in each run file): " +
                                    PhaseTimes.Describe(runPhases));
        if (!shard.IsWhole)
            Console.Error.WriteLine($"sweep: one shard of {shard.Count}; `lab sweep` without a shard on the same --out (it resumes) " +
                                    "or `lab merge` gives the whole sweep's summary and figures");
        Console.WriteLine($"ran {result.Ran} runs; results: {Path.Combine(output, "runs")}, {Path.Combine(output, "summary.csv")}, " +
                          $"{Path.Combine(output, "summary.json")}");
        return 0;
    }
}
