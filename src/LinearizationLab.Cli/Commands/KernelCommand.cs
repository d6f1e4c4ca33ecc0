using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab kernel --arch A.json --x1 X1.csv [--x2 X2.csv] --out DIR</c>: analytic NNGP and NTK; writes DIR/nngp.csv and DIR/ntk.csv.</summary>
public static class KernelCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        var cl = new CommandLine(args, ["arch", "x1", "x2", "out"], []);
        string arch = cl.Required("arch"), x1 = cl.Required("x1"), output = cl.Required("out");
        string? x2 = cl.Optional("x2");
        var kernels = ConsoleProgress.Fraction("kernel",
            progress => AnalyticKernelRun.Execute(arch, x1, x2, output, progress));
        Console.WriteLine($"wrote {Path.Combine(output, AnalyticKernelRun.NngpFileName)} and " +
            $"{Path.Combine(output, AnalyticKernelRun.NtkFileName)} ({kernels.RowCount}×{kernels.ColumnCount})");
        return 0;
    }
}
