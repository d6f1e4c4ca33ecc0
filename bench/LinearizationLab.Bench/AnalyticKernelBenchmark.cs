using System.Diagnostics;
using System.Globalization;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;

namespace LinearizationLab.Bench;

/// <summary>
/// Wall time and memory of <see cref="AnalyticKernels.Compute"/> (NNGP and NTK of x with itself) on real images:
/// a depth-5 ReLU MLP on N = 1,000 and 10,000 MNIST digits, and a 3-layer ReLU CNN with global_avg_pool on
/// N = 200 Fashion-MNIST images pooled to 14×14; and the MNIST-1k rows of Lee et al. 2018 at depth 20 (σ_w² = 1.96,
/// σ_b² = 0.62): K and Θ between 11,000 images (1,000 training, 10,000 test) and the 1,000 training images, for tanh (from
/// tables of its Gaussian integrals) and for ReLU (closed form) on the same blocks (tanh20, relu20). Prints the median and range over repetitions, the managed bytes
/// allocated per repetition, and the process's peak working set after each case (cases run small to large, so the
/// peak of a case bounds what it needed). Arguments: case names (mlp1k, mlp10k, cnn; default all) and
/// <c>--reps R</c> (default 3).
/// </summary>
public static class AnalyticKernelBenchmark
{
    /// <summary>Runs the cases named in <paramref name="args"/> (all by default) and prints one line per case.</summary>
    public static void Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int reps = 3;
        var cases = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reps" && i + 1 < args.Length) reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else cases.Add(args[i]);
        }
        if (cases.Count == 0) cases.AddRange(["mlp1k", "mlp10k", "cnn", "relu20", "tanh20"]);

        Console.WriteLine($"analytic kernels, {Environment.ProcessorCount} cores, {reps} repetitions (median [min, max])");
        foreach (string name in cases)
        {
            var (arch, x, label) = name switch
            {
                "mlp1k" => (Mlp(5), Images("mnist", 1000, 1), "depth-5 ReLU MLP, MNIST N=1000"),
                "mlp10k" => (Mlp(5), Images("mnist", 10000, 1), "depth-5 ReLU MLP, MNIST N=10000"),
                "cnn" => (Cnn(3), Images("fashion_mnist", 200, 2), "3-layer ReLU CNN + global_avg_pool, Fashion-MNIST 14x14 N=200"),
                "relu20" => (Deep("relu", 20), Images("mnist", 11000, 1), "depth-20 ReLU MLP (1.96, 0.62), MNIST 11000 x 1000"),
                "tanh20" => (Deep("tanh", 20), Images("mnist", 11000, 1), "depth-20 tanh MLP (1.96, 0.62), MNIST 11000 x 1000"),
                _ => throw new ArgumentException($"unknown case '{name}' (mlp1k, mlp10k, cnn, relu20, tanh20)"),
            };
            bool rectangular = name.EndsWith("20", StringComparison.Ordinal);
            Measure(label, reps, () => rectangular ? AnalyticKernels.Compute(arch, x, FirstRows(x, 1000)) : AnalyticKernels.Compute(arch, x));
        }
    }

    private static void Measure(string label, int reps, Func<KernelPair> work)
    {
        var seconds = new List<double>();
        long allocated = 0;
        for (int r = 0; r < reps; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var kernels = work();
            clock.Stop();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            seconds.Add(clock.Elapsed.TotalSeconds);
            GC.KeepAlive(kernels);
        }
        seconds.Sort();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(
            $"{label}: {seconds[seconds.Count / 2]:F2} s [{seconds[0]:F2}, {seconds[^1]:F2}], " +
            $"allocated {allocated / 1048576.0:F0} MiB per run, peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB");
    }

    private static ArchitectureSpec Mlp(int depth)
    {
        string hidden = string.Concat(Enumerable.Repeat("""{"type":"dense","width":1024,"w_std":1.414,"b_std":0.1},{"type":"relu"},""", depth));
        return Parse($$"""{"input_shape":[784],"layers":[{{hidden}}{"type":"dense","width":10,"w_std":1.414,"b_std":0.1}]}""");
    }

    private static ArchitectureSpec Deep(string activation, int depth)
    {
        string hidden = string.Concat(Enumerable.Repeat(
            $$"""{"type":"dense","width":1024,"w_std":1.4,"b_std":0.7874007874011811},{"type":"{{activation}}"},""", depth));
        return Parse($$"""{"input_shape":[784],"layers":[{{hidden}}{"type":"dense","width":10,"w_std":1.4,"b_std":0.7874007874011811}]}""");
    }

    private static double[,] FirstRows(double[,] x, int count)
    {
        var rows = new double[count, x.GetLength(1)];
        Buffer.BlockCopy(x, 0, rows, 0, count * x.GetLength(1) * sizeof(double));
        return rows;
    }

    private static ArchitectureSpec Cnn(int depth)
    {
        string conv = string.Concat(Enumerable.Repeat(
            """{"type":"conv","channels":64,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},""", depth));
        return Parse($$"""{"input_shape":[1,14,14],"layers":[{{conv}}{"type":"global_avg_pool"},{"type":"dense","width":10,"w_std":1.414,"b_std":0.1}]}""");
    }

    private static ArchitectureSpec Parse(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "bench-arch.json"));

    private static double[,] Images(string source, int count, int pool)
    {
        var spec = DataSpec.Read(JsonSection.Parse(
            $$"""{"source":"{{source}}","train_size":{{count}},"pool":{{pool}},"normalize":"unit_norm","seed":0}""", "bench-data.json"));
        var (train, _) = spec.Load();
        return CsvMatrix.FromRowMajor(train.Inputs, train.Count, train.FeatureSize);
    }
}
