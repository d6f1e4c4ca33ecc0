using LinearizationLab.Runs;
using System.CommandLine;
using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab kernel --arch A.json --x1 X1.csv [--x2 X2.csv] --out DIR</c>: analytic NNGP and NTK; writes DIR/nngp.csv and DIR/ntk.csv.</summary>
public sealed class KernelCommand : Command
{
    private readonly Option<string> _arch = LabOptions.Arch(), _x1 = LabOptions.X1(), _x2 = LabOptions.X2(),
        _out = LabOptions.Out("Output folder for nngp.csv and ntk.csv (created if needed)");

    /// <summary>Creates the command.</summary>
    public KernelCommand()
        : base("kernel", "Analytic infinite-width NNGP and NTK of an architecture; writes DIR/nngp.csv and DIR/ntk.csv")
    {
        Options.Add(_arch);
        Options.Add(_x1);
        Options.Add(_x2);
        Options.Add(_out);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string output = args.GetRequiredValue(_out);
        var kernels = ConsoleProgress.Fraction("kernel", progress =>
            AnalyticKernelRun.Execute(args.GetRequiredValue(_arch), args.GetRequiredValue(_x1), args.GetValue(_x2), output, progress));
        Console.WriteLine($"wrote {Path.Combine(output, AnalyticKernelRun.NngpFileName)} and " +
            $"{Path.Combine(output, AnalyticKernelRun.NtkFileName)} ({kernels.RowCount}×{kernels.ColumnCount})");
        return 0;
    }
}
