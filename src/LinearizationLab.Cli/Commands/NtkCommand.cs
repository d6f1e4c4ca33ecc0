using LinearizationLab.Runs;
using System.CommandLine;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab ntk --arch A.json --x1 X1 [--x2 X2] --seed S [--method structured|jacobian|ntvp] --out DIR
/// [--full] [--per-layer] [--format npy|csv] [--dtype float64|float32] [--device cpu|cuda]</c>: the empirical kernels of the
/// network drawn from seed S, written by <see cref="EmpiricalKernelRun"/>.
/// </summary>
public sealed class NtkCommand : Command
{
    private const string Source = "command line";

    private readonly Option<string> _arch = LabOptions.Arch(), _x1 = LabOptions.X1(), _x2 = LabOptions.X2(),
        _seed = LabOptions.Value("--seed", "S", "Seed of the network's initial parameters θ0 (an integer)", required: true),
        _method = LabOptions.Value("--method", "structured|jacobian|ntvp",
            "How Θ̂ is computed: structured (layer by layer, the fast one), jacobian (J Jᵀ) or ntvp (NTK-vector products); " +
            "they agree to round-off [default: structured]", false, "structured", "jacobian", "ntvp"),
        _out = LabOptions.Out("Output folder for ntk (output-averaged Θ̂), nngp and the optional files, .csv or .npy (created if needed)"),
        _format = LabOptions.Format("the kernel files"),
        _dtype = LabOptions.Value("--dtype", "float64|float32", "Precision of the network [default: float64]", false, "float64", "float32"),
        _device = LabOptions.Value("--device", "cpu|cuda", "Where the network runs: cpu, cuda or cuda:K [default: cpu]", false, "cpu", "cuda");

    private readonly Option<bool> _full = LabOptions.Flag("--full", "Also write ntk_full, the N1·O × N2·O kernel (row i·O + k)"),
        _perLayer = LabOptions.Flag("--per-layer", "Also write ntk_layer{l}, each affine layer's output-averaged contribution");

    /// <summary>Creates the command.</summary>
    public NtkCommand()
        : base("ntk", "Empirical NTK and NNGP of one network at initialization; writes DIR/ntk (averaged over outputs) and DIR/nngp (.csv or .npy)")
    {
        foreach (var option in new Option[] { _arch, _x1, _x2, _seed, _method, _out, _full, _perLayer, _format, _dtype, _device })
            Options.Add(option);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string seedText = args.GetRequiredValue(_seed);
        long seed = long.TryParse(seedText, out long s) ? s
            : throw new InvalidInputException(Source, _seed.Name, $"'{seedText}' is not an integer");
        NtkMethod method;
        try { method = EmpiricalNtk.ParseMethod(args.GetValue(_method) ?? "structured"); }
        catch (ArgumentException e) { throw new InvalidInputException(Source, _method.Name, e.Message); }
        var dtype = (args.GetValue(_dtype) ?? "float64") switch
        {
            "float64" => ScalarType.Float64,
            "float32" => ScalarType.Float32,
            var d => throw new InvalidInputException(Source, _dtype.Name, $"'{d}' is not float32 or float64"),
        };
        var device = TensorSettings.ParseDevice(args.GetValue(_device) ?? "cpu", Source, _device.Name);
        string output = args.GetRequiredValue(_out);
        var format = LabOptions.FormatValue(args, _format);

        var written = EmpiricalKernelRun.Execute(args.GetRequiredValue(_arch), args.GetRequiredValue(_x1), args.GetValue(_x2), seed,
            method, new TensorSettings(dtype, device), output, args.GetValue(_full), args.GetValue(_perLayer), format);
        var ntk = written.Kernels.Ntk;
        Console.WriteLine($"{method} NTK of {ntk.RowCount}×{ntk.ColumnCount} inputs, {ntk.OutputCount} outputs: " +
                          $"wrote {string.Join(", ", written.FileNames)} to {output}");
        return 0;
    }
}
