using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab sweep [--config] experiments/NAME.json --out DIR [--shard i/k | --shard-count K]</c>: runs (or resumes) a
/// width sweep, or one shard of it (from --shard, a Slurm array task, or a Kubernetes Indexed Job with --shard-count,
/// see <see cref="ShardAssignment"/>), then writes summary.csv/summary.json and the figures, and prints the slope table.
/// </summary>
public static class SweepCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, CancellationToken cancel)
    {
        var list = args.ToList();
        if (list.Count > 0 && !list[0].StartsWith("--", StringComparison.Ordinal)) list.Insert(0, "--config");
        var cl = new CommandLine(list, ["config", "out", "shard", "shard-count"], []);
        var spec = SweepSpec.Load(cl.Required("config"));
        string output = cl.Optional("out") ?? Path.Combine("results", spec.Name);
        var shard = ShardAssignment.Resolve(cl.Optional("shard"), cl.Optional("shard-count"));
        Console.Error.WriteLine($"sweep {spec.Name}: widths {string.Join(",", spec.Widths)} × {spec.Seeds.Count} seeds, " +
                                $"{spec.Steps} steps, {spec.Settings.DTypeName}; results in {output}");
        Console.Error.WriteLine($"sweep: {shard}");
        Console.Error.WriteLine("sweep: computing the analytic kernels");
        var context = SweepContext.Create(spec);
        var runner = new SweepRunner(context, output);
        var (ran, skipped) = ConsoleProgress.Sweep(progress => runner.Run(shard.Index, shard.Count, progress, cancel));
        if (skipped > 0) Console.Error.WriteLine($"sweep: {skipped} runs were already done and were kept");
        var summary = SweepSummary.WriteFiles(output);
        Console.WriteLine(summary.Table());
        if (summary.Runs > 0)
        {
            int figures = PlotCommand.Draw(output, Path.Combine(output, "plots"));
            Console.Error.WriteLine($"sweep: {figures} figures in {Path.Combine(output, "plots")}");
        }
        else Console.Error.WriteLine("sweep: this shard has no runs and the folder none yet, so no figures");
        if (!shard.IsWhole)
            Console.Error.WriteLine($"sweep: one shard of {shard.Count}; `lab sweep` without a shard on the same --out (it resumes) " +
                                    "or `lab merge` gives the whole sweep's summary and figures");
        Console.WriteLine($"ran {ran} runs; results: {Path.Combine(output, "runs")}, {Path.Combine(output, "summary.csv")}, " +
                          $"{Path.Combine(output, "summary.json")}");
        return 0;
    }
}
