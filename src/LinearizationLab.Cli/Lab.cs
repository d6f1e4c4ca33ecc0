using System.CommandLine;
using System.CommandLine.Help;
using LinearizationLab.Cli.Commands;
using LinearizationLab.Networks;

namespace LinearizationLab.Cli;

/// <summary>
/// The <c>lab</c> command on System.CommandLine: parses the subcommand, calls the library, prints. Bad input → one
/// line <c>error: FILE: FIELD: reason</c> on stderr and exit code 2; a file that cannot be written → one line naming it and
/// the system's reason, exit code 2; a run that cannot fit in memory (refused before it starts, <see cref="MemoryEstimate"/>) or
/// an allocation that fails all the same → one line, exit code 2; Ctrl-C → exit code 130 with nothing partial written; anything unexpected → one line
/// with its type and message and the file holding the full trace (<c>--verbose</c> prints it), exit code 1.
/// </summary>
public static class Lab
{
    /// <summary>What <c>lab --help</c> says the program is.</summary>
    public const string Description =
        "lab — trains wide networks and measures their distance to their linearization and to the infinite-width kernels";

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        NativeHeap.KeepLargeBlocks();   // before libtorch's first allocation
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
        root.Add(Verbose);
        root.Add(new TrainCommand(cancel));
        root.Add(new NtkCommand());
        root.Add(new KernelCommand());
        root.Add(new GpCommand(cancel));
        root.Add(new SweepCommand(cancel));
        root.Add(new MergeCommand());
        root.Add(new PlotCommand());
        root.Add(new ReportCommand());
        root.Add(new PhaseCommand(cancel));
        root.Add(new CoordCheckCommand(cancel));
        root.Add(new SetupCommand());
        root.Add(new CompletionCommand());
        // `lab` alone shows the help, as a mistake (exit code 2): there is nothing to do.
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return 2;
        });
        return root;
    }

    /// <summary><c>--verbose</c>, on every command: an unexpected error prints its full trace too.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "On an unexpected error, print the full trace as well", Recursive = true };

    /// <summary>Runs one command line; returns the exit code (0 success, 1 unexpected error, 2 bad input, unwritable output or out of memory, 130 interrupted).</summary>
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
        catch (OutputWriteException e)
        {
            Console.Error.WriteLine($"error: {e.Message} (finished files are kept; rerun to resume)");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An output folder that cannot be made or read (the path runs through a file, no permission): the message names it.
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (OutOfMemory(e) is { } reason)
        {
            // The estimate let the run start, but an allocation failed (another process took the memory, or the estimate is short).
            Console.Error.WriteLine($"error: out of memory while running lab {result.CommandResult.Command.Name}: {reason} " +
                                    "(finished files are kept; free memory or make the run smaller)");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted; nothing partial was written");
            return 130;
        }
        catch (Exception e)
        {
            return Unexpected(e, result.GetValue(Verbose));
        }
    }

    /// <summary>
    /// The allocator's reason when <paramref name="e"/> (or the one exception it wraps) is a failed allocation: .NET's
    /// <see cref="OutOfMemoryException"/>, or libtorch's "DefaultCPUAllocator: can't allocate memory" / "CUDA out of memory",
    /// which TorchSharp raises as an <see cref="System.Runtime.InteropServices.ExternalException"/>; null otherwise.
    /// </summary>
    public static string? OutOfMemory(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        string first = e.Message.Split('\n', 2)[0].Trim();
        if (e is OutOfMemoryException) return first.TrimEnd('.');
        if (e is System.Runtime.InteropServices.ExternalException &&
            (first.Contains("can't allocate memory", StringComparison.Ordinal) || first.Contains("out of memory", StringComparison.OrdinalIgnoreCase)))
            return first[Math.Max(0, first.IndexOf("DefaultCPUAllocator", StringComparison.Ordinal))..].TrimEnd('.');   // without libtorch's "[enforce fail at …]"
        return null;
    }

    /// <summary>
    /// One line for an error nobody expected — its type and message — and the full trace in a file beside the other
    /// temporary files (printed too with <paramref name="verbose"/>); exit code 1.
    /// </summary>
    public static int Unexpected(Exception e, bool verbose)
    {
        string trace = Path.Combine(Path.GetTempPath(), $"lab-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
        string where;
        try
        {
            File.WriteAllText(trace, e.ToString());
            where = $"the full trace is in {trace}";
        }
        catch (Exception w) when (w is IOException or UnauthorizedAccessException)
        {
            where = "the trace could not be saved";
        }
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        string message = inner.Message.Split('\n', 2)[0].Trim();
        Console.Error.WriteLine($"error: unexpected {inner.GetType().Name}: {message} ({where}; --verbose prints it)");
        if (verbose) Console.Error.WriteLine(e);
        return 1;
    }
}
