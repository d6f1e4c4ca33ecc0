using System.CommandLine;

namespace LinearizationLab.Cli.Commands;

/// <summary>A command <c>lab NAME --config C.json --out DIR</c> that runs until done or cancelled: train and gp.</summary>
public abstract class ConfigCommand : Command
{
    /// <summary>Creates the command with its two options; <paramref name="cancel"/> is passed to <see cref="Run"/>.</summary>
    protected ConfigCommand(string name, string description, string configDescription, string outDescription, CancellationToken cancel)
        : base(name, description)
    {
        var config = LabOptions.Config(configDescription);
        var output = LabOptions.Out(outDescription);
        Options.Add(config);
        Options.Add(output);
        SetAction(args =>
        {
            Parsed = args;
            return Run(args.GetRequiredValue(config), args.GetRequiredValue(output), cancel);
        });
    }

    /// <summary>The parsed command line of the current run, for options a subclass adds.</summary>
    protected ParseResult? Parsed { get; private set; }

    /// <summary>Runs the command on the config file <paramref name="configPath"/> into <paramref name="output"/>; returns the exit code.</summary>
    protected abstract int Run(string configPath, string output, CancellationToken cancel);
}
