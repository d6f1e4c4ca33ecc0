using System.Diagnostics;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// Seconds per empirical NTK (total kernel, no per-layer terms) for the structured, jacobian and ntvp methods on
/// N = 128 inputs of d = 16, a ReLU MLP with two hidden layers of width 512 and 2048, O = 1 and 10, float32 and
/// float64: the median of <see cref="Repeats"/> runs after one warm-up, printed as a table. A case whose first run
/// exceeds <see cref="SlowSeconds"/> is reported from that single run; a jacobian case whose J would exceed
/// <see cref="JacobianBytes"/> is skipped.
/// </summary>
public static class NtkBenchmark
{
    /// <summary>Timed runs per case.</summary>
    public static int Repeats { get; set; } = 3;

    /// <summary>A first run longer than this is not repeated.</summary>
    public static double SlowSeconds { get; set; } = 20;

    /// <summary>Memory the jacobian method may use for J; larger cases are skipped.</summary>
    public static long JacobianBytes { get; set; } = 6L << 30;

    /// <summary>Runs all cases (or those whose widths are listed) and prints one line per case.</summary>
    public static void Run() => Run([512, 2048]);

    /// <summary>Runs the cases for the given hidden widths.</summary>
    public static void Run(int[] widths)
    {
        Console.WriteLine($"threads={get_num_threads()}  N=128 d=16 relu MLP, 2 hidden layers");
        Console.WriteLine("width  O  dtype    method      median_s  runs");
        foreach (int width in widths)
            foreach (int outputs in new[] { 1, 10 })
                foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                    foreach (var method in new[] { NtkMethod.Structured, NtkMethod.Jacobian, NtkMethod.Ntvp })
                        Case(width, outputs, dtype, method);
    }

    private static void Case(int width, int outputs, ScalarType dtype, NtkMethod method)
    {
        string json = $$"""{"input_shape":[16],"layers":[{"type":"dense","width":{{width}},"w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"dense","width":{{width}},"w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"dense","width":{{outputs}},"w_std":1.0,"b_std":0.0}]}""";
        var spec = ArchitectureReader.Read(JsonSection.Parse(json, "bench.json"));
        var settings = new TensorSettings(dtype, CPU);
        using var network = Network.Create(spec, 0, settings);
        using var generator = new Generator(1);
        using var x = randn([128, 16], ScalarType.Float64, CPU, generator: generator).to(dtype);
        long jBytes = 128L * outputs * network.ParameterCount * (dtype == ScalarType.Float32 ? 4 : 8);
        string label = $"{width,5} {outputs,2}  {(dtype == ScalarType.Float32 ? "float32" : "float64"),-7}  {method.ToString().ToLowerInvariant(),-10}";
        if (method == NtkMethod.Jacobian && jBytes > JacobianBytes)
        {
            Console.WriteLine($"{label}  skipped (J needs {jBytes / (1 << 20)} MiB)");
            return;
        }
        var ntk = new EmpiricalNtk(network) { JacobianMemoryBytes = JacobianBytes };
        var times = new List<double>();
        double first = Time(ntk, x, method);
        bool slow = first > SlowSeconds;
        if (slow) times.Add(first);
        else for (int r = 0; r < Repeats; r++) times.Add(Time(ntk, x, method));
        times.Sort();
        Console.WriteLine($"{label}  {times[times.Count / 2],8:F3}  {times.Count}{(slow ? " (single run, no warm-up)" : "")}");
    }

    private static double Time(EmpiricalNtk ntk, Tensor x, NtkMethod method)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
            ntk.ComputeTensors(x, null, method, perLayer: false);
        return clock.Elapsed.TotalSeconds;
    }
}
