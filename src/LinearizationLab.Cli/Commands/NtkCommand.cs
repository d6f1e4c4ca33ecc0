using LinearizationLab.Architecture;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Networks;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab ntk --arch A.json --x1 X1.csv [--x2 X2.csv] --seed S [--method structured|jacobian|ntvp] --out DIR
/// [--full] [--per-layer] [--dtype float64|float32] [--device cpu|cuda]</c>: the empirical kernels of the network
/// drawn from seed S. Writes DIR/ntk.csv (output-averaged Θ̂), DIR/nngp.csv, and with --full DIR/ntk_full.csv
/// (N1·O × N2·O, row i·O + k), with --per-layer DIR/ntk_layer{l}.csv per affine layer.
/// </summary>
public static class NtkCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        var cl = new CommandLine(args, ["arch", "x1", "x2", "seed", "method", "out", "dtype", "device"], ["full", "per-layer"]);
        var arch = ArchitectureReader.Load(cl.Required("arch"));
        var x1 = InputMatrix.Read(cl.Required("x1"), arch);
        var x2 = cl.Optional("x2") is { } p2 ? InputMatrix.Read(p2, arch) : null;
        long seed = cl.Long("seed") ?? throw new InvalidInputException("command line", "--seed", "is required");
        string methodName = cl.Optional("method") ?? "structured";
        NtkMethod method;
        try { method = EmpiricalNtk.ParseMethod(methodName); }
        catch (ArgumentException e) { throw new InvalidInputException("command line", "--method", e.Message); }
        var dtype = (cl.Optional("dtype") ?? "float64") switch
        {
            "float64" => TorchSharp.torch.ScalarType.Float64,
            "float32" => TorchSharp.torch.ScalarType.Float32,
            var d => throw new InvalidInputException("command line", "--dtype", $"'{d}' is not float32 or float64"),
        };
        var device = TensorSettings.ParseDevice(cl.Optional("device") ?? "cpu", "command line", "--device");
        string output = cl.Required("out");
        bool perLayer = cl.Flag("per-layer");

        var kernels = EmpiricalKernels.Compute(arch, seed, new TensorSettings(dtype, device), x1, x2, method, perLayer);
        var files = new List<(string Name, double[,] Matrix)> { ("ntk.csv", kernels.Ntk.Averaged), ("nngp.csv", kernels.Nngp) };
        if (cl.Flag("full")) files.Add(("ntk_full.csv", kernels.Ntk.Full));
        if (perLayer)
            for (int l = 0; l < kernels.Ntk.PerLayer.Count; l++)
                files.Add(($"ntk_layer{l + 1}.csv", NtkResult.OutputAverage(kernels.Ntk.PerLayer[l], kernels.Ntk.OutputCount)));
        Directory.CreateDirectory(output);
        foreach (var (name, matrix) in files) CsvMatrix.Write(Path.Combine(output, name), matrix);
        Console.WriteLine($"{method} NTK of {x1.GetLength(0)}×{(x2 ?? x1).GetLength(0)} inputs, {kernels.Ntk.OutputCount} outputs: " +
                          $"wrote {string.Join(", ", files.Select(f => f.Name))} to {output}");
        return 0;
    }
}
