using System.Diagnostics;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// Seconds per empirical NTK (full N·O × N·O kernel, no per-layer terms) for the structured, jacobian and ntvp
/// methods: ReLU MLPs with two hidden layers of width 512, 2048, 4096 on N = 128 inputs of d = 16 with O = 1 and 10,
/// and a CNN (two 3×3 SAME convs of 64 channels on 1×12×12, flatten, dense O = 10) on N = 64, in float32 and float64.
/// Medians of <see cref="Repeats"/> runs after a warm-up; a case whose first run exceeds <see cref="SlowSeconds"/> is
/// reported from that run, and one predicted to exceed <see cref="SkipSeconds"/> is skipped with the prediction.
/// Also: the machine's GEMM rate, the structured method's share of it, and peak memory at N = 1,000, O = 10, width 4096.
/// </summary>
public static class NtkBenchmark
{
    private const int Repeats = 5;
    private const double SlowSeconds = 10, SkipSeconds = 120;

    /// <summary>Prints the GEMM rate, the MLP and CNN tables, and the peak-memory case (run in a child process).</summary>
    public static void Run() => Run([]);

    /// <summary>The same; <c>--only METHOD</c> restricts the tables to one method (e.g. structured, after changing it).</summary>
    public static void Run(string[] args)
    {
        var methods = Methods(args);
        Console.WriteLine($"empirical NTK, seconds per kernel; torch threads {get_num_threads()}");
        var gemm = new Dictionary<ScalarType, double>
        {
            [ScalarType.Float32] = GemmRate.Measure(ScalarType.Float32),
            [ScalarType.Float64] = GemmRate.Measure(ScalarType.Float64),
        };
        Console.WriteLine($"GEMM 2048³: float32 {gemm[ScalarType.Float32]:F1} GFLOP/s, float64 {gemm[ScalarType.Float64]:F1} GFLOP/s");
        Console.WriteLine($"{"network",-10} {"width",5} {"O",3} {"dtype",-7} {"method",-10} {"median s",9} {"runs",4}  notes");
        var measured = new Dictionary<(NtkMethod, int, int, ScalarType), double>();
        foreach (int width in new[] { 512, 2048, 4096 })
        foreach (int outputs in new[] { 1, 10 })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var spec = Mlp(16, width, outputs);
            double structured = 0;
            foreach (var method in methods)
            {
                string label = $"{"mlp",-10} {width,5} {outputs,3} {Name(dtype),-7} {Name(method),-10}";
                if (method != NtkMethod.Structured && Predict(measured, method, width, outputs, dtype) is { } predicted && predicted > SkipSeconds)
                {
                    Console.WriteLine($"{label} {"-",9} {0,4}  skipped: predicted ≈ {predicted:F0} s");
                    measured[(method, width, outputs, dtype)] = predicted;
                    continue;
                }
                var (median, runs) = Time(spec, 128, dtype, method);
                measured[(method, width, outputs, dtype)] = median;
                string note = "";
                if (method == NtkMethod.Structured)
                {
                    structured = median;
                    double flops = StructuredMlpFlops(128, 16, width, outputs);
                    note = $"{flops / median / 1e9:F1} GFLOP/s = {100 * flops / median / 1e9 / gemm[dtype]:F0}% of GEMM";
                }
                else if (structured > 0) note = $"structured is {median / structured:F0}× faster";
                Console.WriteLine($"{label} {median,9:F3} {runs,4}  {note}");
            }
        }
        CnnRows(methods);
        PeakMemoryInChild();
    }

    /// <summary>The CNN table alone (bench/pytorch's <c>cnn-ntk</c> computes the same kernels with torch.func); <c>--only METHOD</c> as in <see cref="Run(string[])"/>.</summary>
    public static void RunCnn(string[] args)
    {
        Console.WriteLine($"empirical NTK, seconds per kernel; torch threads {get_num_threads()}");
        Console.WriteLine($"{"network",-10} {"width",5} {"O",3} {"dtype",-7} {"method",-10} {"median s",9} {"runs",4}");
        CnnRows(Methods(args));
    }

    private static void CnnRows(NtkMethod[] methods)
    {
        var cnn = Cnn();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        foreach (var method in methods)
        {
            var (median, runs) = Time(cnn, 64, dtype, method);
            Console.WriteLine($"{"cnn",-10} {64,5} {10,3} {Name(dtype),-7} {Name(method),-10} {median,9:F3} {runs,4}");
        }
    }

    private static NtkMethod[] Methods(string[] args)
    {
        int only = Array.IndexOf(args, "--only");
        return only >= 0 && only + 1 < args.Length
            ? [EmpiricalNtk.ParseMethod(args[only + 1])]
            : [NtkMethod.Structured, NtkMethod.Jacobian, NtkMethod.Ntvp];
    }

    /// <summary>
    /// Seconds a jacobian or ntvp case would take, from cases already run: the float32 time of the same case × 3 for
    /// float64 (the ratio seen at width 512), else the case at half the width × 4 (their cost grows like P ∝ width²).
    /// </summary>
    private static double? Predict(Dictionary<(NtkMethod, int, int, ScalarType), double> measured, NtkMethod method,
        int width, int outputs, ScalarType dtype)
    {
        if (dtype == ScalarType.Float64 && measured.TryGetValue((method, width, outputs, ScalarType.Float32), out double single))
            return 3 * single;
        return measured.TryGetValue((method, width / 2, outputs, dtype), out double half) ? 4 * half
            : measured.TryGetValue((method, width / 4, outputs, dtype), out double quarter) ? 16 * quarter : null;
    }

    /// <summary>The peak-memory case alone (its own process, so the high-water mark belongs to it): N = 1,000, O = 10, width 4096, float32.</summary>
    public static void PeakMemory()
    {
        var spec = Mlp(16, 4096, 10);
        var clock = Stopwatch.StartNew();
        var (median, _) = Time(spec, 1000, ScalarType.Float32, NtkMethod.Structured, repeats: 1, warmUp: false);
        Console.WriteLine($"structured NTK N=1000 O=10 width 4096 float32: {median:F1} s, " +
                          $"peak resident memory {PeakResidentBytes() / (double)(1 << 30):F2} GiB (full kernel 10000² returned as float64)");
    }

    private static void PeakMemoryInChild()
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, "ntk-memory") { RedirectStandardOutput = true };
        using var child = Process.Start(start)!;
        Console.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
    }

    private static long PeakResidentBytes()
    {
        // VmHWM: the process's peak resident set size, in kB.
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static (double Median, int Runs) Time(ArchitectureSpec spec, int n, ScalarType dtype, NtkMethod method,
        int repeats = Repeats, bool warmUp = true)
    {
        using var network = Network.Create(spec, 0, new TensorSettings(dtype, CPU));
        using var generator = new Generator(1);
        using var x = randn([n, .. spec.InputShape.Select(s => (long)s)], ScalarType.Float64, CPU, generator: generator).to(dtype);
        var ntk = new EmpiricalNtk(network) { JacobianMemoryBytes = 6L << 30 };
        double first = Once(ntk, x, method);
        if (!warmUp || first > SlowSeconds) return (first, 1);
        var times = Enumerable.Range(0, repeats).Select(_ => Once(ntk, x, method)).Order().ToArray();
        return (times[times.Length / 2], times.Length);
    }

    private static double Once(EmpiricalNtk ntk, Tensor x, NtkMethod method)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = NewDisposeScope())
            ntk.Compute(x, null, method, perLayer: false);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// FLOPs of the structured kernel's dominant products for a d → n → n → O ReLU MLP on N inputs: the forward pass
    /// (2N·Σ fan_in·width), one backward pass per output to the pre-activations (O·2N·Σ fan_in·width), and per layer
    /// the Gram products ΔΔᵀ ((N·O)²·width·2) and AAᵀ (N²·fan_in·2).
    /// </summary>
    private static double StructuredMlpFlops(double n, double d, double width, double o)
    {
        (double FanIn, double Width)[] layers = [(d, width), (width, width), (width, o)];
        double matvec = layers.Sum(l => l.FanIn * l.Width);
        return 2 * n * matvec + o * 2 * n * matvec
            + layers.Sum(l => 2 * (n * o) * (n * o) * l.Width + 2 * n * n * l.FanIn);
    }

    private static long ParameterCount(int d, int width, int outputs) =>
        (long)d * width + width + (long)width * width + width + (long)width * outputs + outputs;

    private static ArchitectureSpec Mlp(int d, int width, int outputs) => Parse($$"""
        {"input_shape":[{{d}}],"layers":[{"type":"dense","width":{{width}},"w_std":1.414,"b_std":0.1},{"type":"relu"},
         {"type":"dense","width":{{width}},"w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"dense","width":{{outputs}}}]}
        """);

    private static ArchitectureSpec Cnn() => Parse("""
        {"input_shape":[1,12,12],"layers":[
         {"type":"conv","channels":64,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
         {"type":"conv","channels":64,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
         {"type":"flatten"},{"type":"dense","width":10}]}
        """);

    private static ArchitectureSpec Parse(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "bench.json"));

    private static string Name(ScalarType dtype) => dtype == ScalarType.Float32 ? "float32" : "float64";

    private static string Name(NtkMethod method) => method.ToString().ToLowerInvariant();
}
