using LinearizationLab.Runs;
using System.CommandLine;
using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab kernel --arch A.json --x1 X1 [--x2 X2] --out DIR [--format npy|csv]</c>: analytic NNGP and NTK; writes DIR/nngp and
/// DIR/ntk (.csv or .npy).
/// </summary>
public sealed class KernelCommand : Command
{
    private readonly Option<string> _arch = LabOptions.Arch(), _x1 = LabOptions.X1(), _x2 = LabOptions.X2(),
        _out = LabOptions.Out("Output folder for nngp and ntk (.csv or .npy; created if needed)"),
        _format = LabOptions.Format("the two kernels");

    /// <summary>Creates the command.</summary>
    public KernelCommand()
        : base("kernel", "Analytic infinite-width NNGP and NTK of an architecture; writes DIR/nngp and DIR/ntk (.csv or .npy)")
    {
        foreach (var option in new Option[] { _arch, _x1, _x2, _out, _format })
            Options.Add(option);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string output = args.GetRequiredValue(_out);
        var format = LabOptions.FormatValue(args, _format);
        var written = ConsoleProgress.Fraction("kernel", progress =>
            AnalyticKernelRun.Execute(args.GetRequiredValue(_arch), args.GetRequiredValue(_x1), args.GetValue(_x2), output, progress, format));
        Console.WriteLine($"wrote {string.Join(" and ", written.FileNames.Select(f => Path.Combine(output, f)))} " +
            $"({written.Kernels.RowCount}×{written.Kernels.ColumnCount})");
        return 0;
    }
}
