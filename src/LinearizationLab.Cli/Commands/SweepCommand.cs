using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab sweep [--config] experiments/NAME.json --out DIR [--shard i/k]</c>: runs (or resumes) a width sweep,
/// then writes summary.csv/summary.json and the figures, and prints the slope table.
/// </summary>
public static class SweepCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, CancellationToken cancel)
    {
        var list = args.ToList();
        if (list.Count > 0 && !list[0].StartsWith("--", StringComparison.Ordinal)) list.Insert(0, "--config");
        var cl = new CommandLine(list, ["config", "out", "shard"], []);
        var spec = SweepSpec.Load(cl.Required("config"));
        string output = cl.Optional("out") ?? Path.Combine("results", spec.Name);
        var (shard, shardCount) = ParseShard(cl.Optional("shard"));
        Console.Error.WriteLine($"sweep {spec.Name}: widths {string.Join(",", spec.Widths)} × {spec.Seeds.Count} seeds, " +
                                $"{spec.Steps} steps, {spec.Settings.DTypeName}; results in {output}");
        Console.Error.WriteLine("sweep: computing the analytic kernels");
        var context = SweepContext.Create(spec);
        var runner = new SweepRunner(context, output);
        var (ran, skipped) = ConsoleProgress.Sweep(progress => runner.Run(shard, shardCount, progress, cancel));
        if (skipped > 0) Console.Error.WriteLine($"sweep: {skipped} runs were already done and were kept");
        var summary = SweepSummary.WriteFiles(output);
        Console.WriteLine(summary.Table());
        int figures = PlotCommand.Draw(output, Path.Combine(output, "plots"));
        Console.Error.WriteLine($"sweep: {figures} figures in {Path.Combine(output, "plots")}");
        Console.WriteLine($"ran {ran} runs; results: {Path.Combine(output, "runs")}, {Path.Combine(output, "summary.csv")}, " +
                          $"{Path.Combine(output, "summary.json")}");
        return 0;
    }

    private static (int Shard, int Count) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int k) && k >= 1 && i >= 0 && i < k)
            return (i, k);
        throw new InvalidInputException("command line", "--shard", $"'{text}' is not i/k with 0 ≤ i < k");
    }
}
