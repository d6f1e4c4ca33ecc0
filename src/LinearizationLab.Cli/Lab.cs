using LinearizationLab.Cli.Commands;

namespace LinearizationLab.Cli;

/// <summary>The <c>lab</c> command: parses the subcommand, calls the library, prints. Bad input → one line on stderr, exit code 2.</summary>
public static class Lab
{
    private const string Usage = """
        lab — trains wide networks and measures their distance to their linearization and to the infinite-width kernels

        usage:
          lab train --config C.json --out DIR           train one network; writes DIR/run.json
          lab ntk --arch A.json --x1 X1.csv [--x2 X2.csv] --seed S [--method structured|jacobian|ntvp] --out DIR
                  [--full] [--per-layer] [--dtype float64|float32] [--device cpu|cuda]
                                                        empirical NTK and NNGP of one network at initialization
          lab kernel --arch A.json --x1 X1.csv [--x2 X2.csv] --out DIR
                                                        analytic NNGP and NTK; writes DIR/nngp.csv, DIR/ntk.csv
          lab gp --config C.json --out DIR              NNGP posterior and NTK-GP on a test set; writes DIR/gp.json
          lab sweep [--config] S.json [--out DIR] [--shard i/k | --shard-count K]
                                                        width sweep of network vs linearization vs infinite width;
                                                        without --shard, the shard of a Slurm array task
                                                        (SLURM_ARRAY_TASK_ID) or of a Kubernetes Indexed Job
                                                        (JOB_COMPLETION_INDEX of --shard-count K)
          lab merge --out DIR SHARD_DIR...              combine shard folders of a sweep
          lab plot --results DIR [--out plots/NAME/]    draw a sweep's figures (PNG and SVG)
        """;

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

    /// <summary>Runs one command line; returns the exit code (0 success, 2 bad input, 130 interrupted).</summary>
    public static int Run(string[] args, CancellationToken cancel = default)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var rest = args.Skip(1);
            return args[0] switch
            {
                "train" => TrainCommand.Run(rest, cancel),
                "ntk" => NtkCommand.Run(rest),
                "kernel" => KernelCommand.Run(rest),
                "gp" => GpCommand.Run(rest, cancel),
                "sweep" => SweepCommand.Run(rest, cancel),
                "merge" => MergeCommand.Run(rest),
                "plot" => PlotCommand.Run(rest),
                _ => throw new InvalidInputException("command line", args[0], "unknown command (lab --help lists them)"),
            };
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
