using System.CommandLine;
using System.CommandLine.Help;
using LinearizationLab.Cli.Commands;

namespace LinearizationLab.Cli;

/// <summary>
/// The <c>lab</c> command on System.CommandLine: parses the subcommand, calls the library, prints. Bad input → one
/// line <c>error: FILE: FIELD: reason</c> on stderr and exit code 2; Ctrl-C → exit code 130 with nothing partial written.
/// </summary>
public static class Lab
{
    /// <summary>What <c>lab --help</c> says the program is.</summary>
    public const string Description =
        "lab — trains wide networks and measures their distance to their linearization and to the infinite-width kernels";

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return Run(args, cancel.Token);
    }

    /// <summary>
    /// The command tree: every subcommand with its options and help texts. <paramref name="cancel"/> reaches the
    /// long-running commands (train, gp, sweep), which stop at their next check when it is cancelled.
    /// </summary>
    public static RootCommand Create(CancellationToken cancel = default)
    {
        var root = new RootCommand(Description) { HelpName = "lab" };
        root.Add(new TrainCommand(cancel));
        root.Add(new NtkCommand());
        root.Add(new KernelCommand());
        root.Add(new GpCommand(cancel));
        root.Add(new SweepCommand(cancel));
        root.Add(new MergeCommand());
        root.Add(new PlotCommand());
        root.Add(new PhaseCommand(cancel));
        root.Add(new CompletionCommand());
        // `lab` alone shows the help, as a mistake (exit code 2): there is nothing to do.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return 2;
        });
        return root;
    }

    /// <summary>Runs one command line; returns the exit code (0 success, 2 bad input, 130 interrupted).</summary>
    public static int Run(string[] args, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        // `lab help` and `lab help sweep` are `lab --help` and `lab sweep --help`.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        // No response files: an argument starting with @ is a file name, as it always was.
        var result = Create(cancel).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        try
        {
            if (CommandLineError.Find(result) is { } error) throw error;
            return result.Invoke(new InvocationConfiguration
            {
                Output = Console.Out,
                Error = Console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,   // Ctrl-C is Main's: it cancels the token the commands hold
            });
        }
        catch (InvalidInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted; nothing partial was written");
            return 130;
        }
    }
}
