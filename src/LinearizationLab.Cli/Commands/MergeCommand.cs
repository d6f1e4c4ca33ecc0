using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab merge --out DIR SHARD_DIR...</c>: combines the runs of shard folders and rebuilds the summary.</summary>
public static class MergeCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        var list = args.ToList();
        var sources = list.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || list[i - 1] != "--out")).ToArray();
        var cl = new CommandLine(list.Except(sources), ["out"], []);
        string output = cl.Required("out");
        if (sources.Length == 0) throw new InvalidInputException("command line", "(shards)", "name at least one shard folder");
        int copied = SweepStore.Merge(sources, output);
        var summary = SweepSummary.WriteFiles(output);
        Console.WriteLine(summary.Table());
        Console.WriteLine($"merged {copied} runs from {sources.Length} folders into {output}");
        return 0;
    }
}
