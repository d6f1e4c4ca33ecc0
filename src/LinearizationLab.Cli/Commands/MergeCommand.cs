using System.CommandLine;
using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab merge --out DIR SHARD_DIR...</c>: combines the runs of shard folders and rebuilds the summary.</summary>
public sealed class MergeCommand : Command
{
    private readonly Argument<string[]> _shards = new("SHARD_DIR")
    {
        Description = "Output folders of `lab sweep --shard i/k` (at least one)",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string> _out = LabOptions.Out("Folder to combine the shards' runs into (created if needed); its summary is rebuilt");

    /// <summary>Creates the command.</summary>
    public MergeCommand()
        : base("merge", "Combine the shard folders of a sweep into one folder and write its summary")
    {
        Arguments.Add(_shards);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string output = args.GetRequiredValue(_out);
        string[] sources = args.GetValue(_shards) ?? [];
        if (sources.Length == 0) throw new InvalidInputException("command line", "(shards)", "name at least one shard folder");
        int copied = SweepStore.Merge(sources, output);
        var summary = SweepSummary.WriteFiles(output);
        SweepComparison.Write(output);
        Console.WriteLine(summary.Table());
        Console.WriteLine($"merged {copied} runs from {sources.Length} folders into {output}");
        return 0;
    }
}
