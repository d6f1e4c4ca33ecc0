using System.Diagnostics;
using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Inference;
using LinearizationLab.Runs;

namespace LinearizationLab.Bench;

/// <summary>
/// The peak-memory estimate (<see cref="RunMemory"/>) against the measured peak resident set size (VmHWM) of three runs, each in
/// a child process of its own so that the high-water mark is the run's: a width sweep of a 2-hidden-layer ReLU MLP at width 6144
/// in float64 (<c>mlp-wide</c>: the parameters dominate), a CNN sweep on Fashion-MNIST at 64 channels (<c>cnn</c>: autograd,
/// the structured NTK's Δ tensors and per-layer kernels), and <c>lab gp</c> on 8,000 MNIST images (<c>gp8k</c>: the kernel
/// tiles). Both figures include the runtime (.NET, libtorch); the child also prints its resident size before the run, the
/// measured counterpart of <see cref="RunMemory.RuntimeBytes"/>. Arguments: the cases to run (default all three).
/// </summary>
public static class MemoryBenchmark
{
    private static readonly string[] Cases = ["mlp-wide", "cnn", "gp8k"];

    /// <summary>Runs each case of <paramref name="args"/> (all when empty) in a child process and prints estimate, measured peak and their ratio.</summary>
    public static void Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (string name in args.Length > 0 ? args : Cases)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!, ["memory-case", name]) { RedirectStandardOutput = true };
            using var child = Process.Start(start)!;
            Console.Write(child.StandardOutput.ReadToEnd());
            child.WaitForExit();
        }
    }

    /// <summary>One case in this process: its estimate, the run, then the peak resident set size.</summary>
    public static void Case(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string name = args.Length > 0 ? args[0] : throw new ArgumentException("which case? " + string.Join(", ", Cases));
        using (TorchSharp.torch.zeros(1)) { }   // libtorch loaded: the runtime's share
        long runtime = AvailableMemory.ResidentBytes() ?? 0;
        string dir = Directory.CreateTempSubdirectory("lab-bench-memory-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            MemoryEstimate estimate = name switch
            {
                "gp8k" => Gp(dir),
                _ => Sweep(dir, name),
            };
            long peak = AvailableMemory.PeakResidentBytes() ?? 0;
            Console.WriteLine($"{name}: estimate {MemoryEstimate.Format(estimate.Bytes)}, measured peak {MemoryEstimate.Format(peak)} " +
                              $"(VmHWM), estimate/measured {estimate.Bytes / (double)peak:F2}; runtime before the run {MemoryEstimate.Format(runtime)}; " +
                              $"{clock.Elapsed.TotalSeconds:F0} s");
            Console.WriteLine(estimate);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static MemoryEstimate Sweep(string dir, string name)
    {
        string json = name switch
        {
            "mlp-wide" => """
                {"name": "mlp-wide", "arch": {"input_shape": [16], "parameterization": "ntk", "layers": [
                  {"type": "dense", "width": 64, "w_std": 1.414}, {"type": "relu"}, {"type": "dense", "width": 64, "w_std": 1.414}, {"type": "relu"},
                  {"type": "dense", "width": 1}]},
                 "widths": [6144], "seeds": 1, "data": {"source": "sphere", "dim": 16, "train_size": 128, "test_size": 128, "seed": 1},
                 "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5}, "steps": 4, "checkpoints": [0, 4], "dtype": "float64"}
                """,
            "cnn" => """
                {"name": "cnn", "arch": {"input_shape": [1, 14, 14], "parameterization": "ntk", "layers": [
                  {"type": "conv", "channels": 8, "kernel": [3, 3], "padding": "same", "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
                  {"type": "conv", "channels": 8, "kernel": [3, 3], "padding": "same", "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
                  {"type": "flatten"}, {"type": "dense", "width": 10}]},
                 "widths": [64], "seeds": 1,
                 "data": {"source": "fashion_mnist", "train_size": 100, "test_size": 100, "pool": 2, "normalize": "unit_norm", "one_hot": [-0.1, 0.9]},
                 "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5}, "steps": 3, "checkpoints": [0, 3], "dtype": "float64"}
                """,
            _ => throw new ArgumentException($"unknown case '{name}' ({string.Join(", ", Cases)})"),
        };
        var spec = SweepSpec.Read(JsonSection.Parse(json, Path.Combine(Data.RepositoryRoot.Locate(), $"bench-{name}.json")));
        var (train, test) = spec.Setup.Data.LoadFor(spec.Setup.Arch);
        var estimate = RunMemory.SweepRun(spec, spec.Widths[^1], train.Count, test.Count);
        new WidthSweep(spec, dir).Run();
        return estimate;
    }

    private static MemoryEstimate Gp(string dir)
    {
        var config = GpConfig.Read(JsonSection.Parse("""
            { "arch": "experiments/archs/mnist-relu3-kernel.json",
              "data": {"source": "mnist", "train_size": 8000, "test_size": 1000, "normalize": "unit_norm", "seed": 0} }
            """, Path.Combine(Data.RepositoryRoot.Locate(), "bench-gp8k.json")));
        var (train, test) = config.Data.LoadFor(config.Arch!, matchOutputs: false);
        var estimate = RunMemory.Gp(config.Arch!, config.Data, train.Count, test.Count, train.OutputCount,
            GpExperiment.HoldsBothKernels(train.Count, GpExperiment.DefaultKernelBudgetBytes));
        GpExperiment.Execute(config, dir);
        return estimate;
    }
}
