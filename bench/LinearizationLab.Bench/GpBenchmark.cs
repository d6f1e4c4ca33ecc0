using System.Diagnostics;
using System.Globalization;
using LinearizationLab.Configuration;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Runs;

namespace LinearizationLab.Bench;

/// <summary>
/// End-to-end infinite-width inference as <c>lab gp</c> runs it (<see cref="GpExperiment.Evaluate"/>: training kernels,
/// in-place Cholesky factorizations, test kernels in blocks, predictions): MNIST N = 10,000 training × 10,000 test images,
/// ReLU depth 3 (experiments/archs/mnist-relu3-kernel.json), NNGP and NTK-GP at t = ∞ (<c>gp10k</c>), and the NTK-GP mean at a
/// finite t = 10⁴ by the Chebyshev expansion of its gain (<c>gp10k-t</c>). Prints the median wall time over repetitions, the
/// kernel share, and the process's peak working set (run one case per process for a clean peak). Arguments: the case
/// (default gp10k) and <c>--reps R</c> (default 3).
/// </summary>
public static class GpBenchmark
{
    /// <summary>Runs the case named in <paramref name="args"/>.</summary>
    public static void Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int reps = 3;
        string name = "gp10k";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reps" && i + 1 < args.Length) reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else name = args[i];
        }
        var time = name switch
        {
            "gp10k" => TrainingTime.Infinity,
            "gp10k-t" => TrainingTime.GradientFlow(1e4),
            _ => throw new ArgumentException($"unknown case '{name}' (gp10k, gp10k-t)"),
        };
        var config = GpConfig.Read(JsonSection.Parse("""
            { "arch": "experiments/archs/mnist-relu3-kernel.json",
              "data": {"source": "mnist", "train_size": 10000, "test_size": 10000, "normalize": "unit_norm", "seed": 0} }
            """, Path.Combine(Data.RepositoryRoot.Locate(), "bench-gp.json")));
        var (train, test) = config.Data.LoadFor(config.Arch!, matchOutputs: false);
        Console.WriteLine($"lab gp end to end, MNIST {train.Count} train x {test.Count} test, ReLU depth 3, t = {time.Time:G3}, " +
            $"{Environment.ProcessorCount} cores, {reps} repetitions (median [min, max])");
        var wall = new List<double>();
        var kernels = new List<double>();
        GpResult? result = null;
        for (int r = 0; r < reps; r++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            result = GpExperiment.Evaluate(config.Arch!, train, test, 0, time);
            wall.Add(clock.Elapsed.TotalSeconds);
            kernels.Add(result.KernelSeconds);
        }
        wall.Sort();
        kernels.Sort();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"{name}: {wall[reps / 2]:F1} s [{wall[0]:F1}, {wall[^1]:F1}], kernels {kernels[reps / 2]:F1} s, " +
            $"peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB; NNGP {result!.Nngp.TestAccuracy:P2}, NTK-GP {result.Ntk.TestAccuracy:P2}" +
            (result.ChebyshevDegree is { } degree ? $", Chebyshev degree {degree}" : ""));
    }
}
