using System.Diagnostics;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// The sweep's hot path on the reference protocol: 64 training and 32 test points on S¹⁵, ReLU MLP 16 → n → n → 1
/// (NTK parameterization, σ_w² = 2, σ_b² = 0.01 on every layer), ½·mean MSE, full-batch GD at η = η_crit/2.
/// Prints milliseconds per network step and per linearized step in parameter space and in function space (medians of
/// <see cref="Measured"/> steps after <see cref="WarmUp"/>, timed through the <see cref="Trainer"/> as a sweep runs them),
/// the one-off cost of the function-space kernel Θ̂0 on the training and test sets, and the share of the GEMM rate the
/// parameter-space steps reach, at widths 512–4096 in float64 and float32; then the wall time of whole width-2048 float64
/// runs (T = 1000, checkpoints 0/100/1000) through <see cref="SweepRunner.RunOne"/>, with the linearization in function
/// space and in parameter space alternately.
/// Usage: <c>sweep-step [--widths 512,1024] [--dtypes float64] [--runs R] [--run-width W]</c>; <c>--runs 0</c> skips whole runs.
/// </summary>
public static class SweepStepBenchmark
{
    private const int WarmUp = 3, Measured = 15;

    /// <summary>The protocol as a sweep config; <paramref name="dtype"/> is "float64" or "float32", <paramref name="activation"/> the hidden φ.</summary>
    public static SweepSpec Protocol(int width, string dtype, int steps = 1000, string activation = "relu",
        string linearization = "auto") => SweepSpec.Read(JsonSection.Parse($$"""
        {
          "name": "sweep-step",
          "arch": {
            "input_shape": [16], "parameterization": "ntk",
            "layers": [
              {"type": "dense", "width": {{width}}, "w_std": 1.4142135623730951, "b_std": 0.1}, {"type": "{{activation}}"},
              {"type": "dense", "width": {{width}}, "w_std": 1.4142135623730951, "b_std": 0.1}, {"type": "{{activation}}"},
              {"type": "dense", "width": 1, "w_std": 1.4142135623730951, "b_std": 0.1}
            ]
          },
          "widths": [{{width}}], "seeds": 1,
          "data": {"source": "sphere", "dim": 16, "train_size": 64, "test_size": 32, "seed": 0},
          "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5},
          "steps": {{steps}}, "checkpoints": [0, {{Math.Min(100, steps)}}, {{steps}}],
          "dtype": "{{dtype}}", "device": "cpu", "ntk_method": "structured", "linearization": "{{linearization}}"
        }
        """, "sweep-step protocol"));

    /// <summary>Prints the step table and the whole-run times.</summary>
    public static void Run(string[] args)
    {
        int[] widths = Option(args, "--widths")?.Split(',').Select(int.Parse).ToArray() ?? [512, 1024, 2048, 4096];
        string[] dtypes = Option(args, "--dtypes")?.Split(',') ?? ["float64", "float32"];
        int runs = int.Parse(Option(args, "--runs") ?? "3");
        int runWidth = int.Parse(Option(args, "--run-width") ?? "2048");
        var gemm = dtypes.ToDictionary(d => d, d => GemmRate.Measure(d == "float32" ? ScalarType.Float32 : ScalarType.Float64));
        Console.WriteLine($"sweep step, ReLU MLP 16-n-n-1 on 64 points of S^15, full-batch GD on MSE at eta_crit/2; torch threads {get_num_threads()}");
        Console.WriteLine("GEMM 2048^3: " + string.Join(", ", gemm.Select(p => $"{p.Key} {p.Value:F1} GFLOP/s")));
        Console.WriteLine($"{"width",6} {"dtype",8} {"network ms",11} {"linearized ms",14} {"lin/net",8} {"GFLOP/step",11} {"% of GEMM",10} " +
                          $"{"function-space ms",18} {"Θ̂0 once ms",12}");
        foreach (string dtype in dtypes)
        foreach (int width in widths)
        {
            var spec = Protocol(width, dtype, WarmUp + Measured);
            var context = SweepContext.Create(spec);
            var (network, linearized, functionSpace, kernel) = StepTimes(context, width);
            var flops = StepFlops(context.Train.Count, [16, width, width, 1]);
            double share = (flops.Network + flops.Linearized) / ((network + linearized) / 1e3) / 1e9 / gemm[dtype];
            Console.WriteLine($"{width,6} {dtype,8} {network,11:F2} {linearized,14:F2} {linearized / network,8:F2} " +
                              $"{(flops.Network + flops.Linearized) / 1e9,11:F3} {100 * share,9:F0}% {functionSpace,18:F3} {kernel,12:F1}");
        }
        if (runs <= 0) return;
        string[] spaces = ["function_space", "parameter_space"];
        var contexts = spaces.ToDictionary(s => s, s => SweepContext.Create(Protocol(runWidth, "float64", linearization: s)));
        var walls = spaces.ToDictionary(s => s, _ => new List<double>());
        for (int r = 0; r < runs; r++)
        foreach (string space in spaces)
        {
            var clock = Stopwatch.StartNew();
            var result = new SweepRunner(contexts[space], Path.Combine(Path.GetTempPath(), "sweep-step-bench")).RunOne(new SweepRunKey(0, runWidth, 0));
            walls[space].Add(clock.Elapsed.TotalSeconds);
            var last = result.Checkpoints[^1];
            Console.WriteLine($"whole run, width {runWidth}, float64, T = 1000, linearization in {space}: {walls[space][^1]:F1} s " +
                              $"(kernel_drift {last[KernelDriftMetric.Name]:R}, output_rmse_test {last[OutputGapMetric.RmseTest]:R})");
        }
        foreach (string space in spaces)
        {
            walls[space].Sort();
            Console.WriteLine($"whole run, width {runWidth}, float64, T = 1000, linearization in {space}: median {walls[space][runs / 2]:F1} s over {runs} runs");
        }
    }

    /// <summary>
    /// Median milliseconds per step of the network and of its linearization in parameter and in function space, trained as
    /// the sweep trains them, and the milliseconds the function-space model takes once to compute Θ̂0 on the training and test sets.
    /// </summary>
    private static (double Network, double Linearized, double FunctionSpace, double Kernel) StepTimes(SweepContext context, int width)
    {
        var spec = context.Spec;
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec.Setup.Arch.WithHiddenWidth(width), 0, spec.Setup.Settings);
        using var data = TrainingData.From(context.Train, context.Test, spec.Setup.Settings);
        var ntk = new EmpiricalNtk(network);
        var optimizer = spec.Setup.Optimizer.WithCriticalLearningRate(CriticalLearningRate.Of(ntk, data.X));
        var trainer = new Trainer(new TrainingOptions(spec.Setup.Loss, optimizer, spec.Setup.Steps, [0, spec.Setup.Steps], 0));
        using var linearized = new LinearizedNetwork(network);
        double networkMs = TrainerSteps.Median(trainer, network, data, WarmUp), linearizedMs = TrainerSteps.Median(trainer, linearized, data, WarmUp);
        var clock = Stopwatch.StartNew();
        using var origin = new LinearizedNetwork(network);
        using var functionSpace = FunctionSpaceLinearization.Create(origin, data.X, data.TestX);
        double kernelMs = clock.Elapsed.TotalMilliseconds;
        return (networkMs, linearizedMs, TrainerSteps.Median(trainer, functionSpace, data, WarmUp), kernelMs);
    }

    /// <summary>
    /// FLOPs of one step for an MLP with layer sizes d_0 → … → d_L on N examples, counting the GEMMs only (c_l = 2N·d_{l−1}·d_l):
    /// network = forward Σc_l + weight gradients Σc_l + input gradients Σ_{l&gt;1} c_l; the linearization's tangent pass
    /// (a_{l−1}·Ẇ_lᵀ and ȧ_{l−1}·W0_lᵀ) and its backward pass add one more Σ_{l&gt;1} c_l.
    /// </summary>
    public static (double Network, double Linearized) StepFlops(int examples, int[] sizes)
    {
        double all = 0, hidden = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            double c = 2.0 * examples * sizes[l - 1] * sizes[l];
            all += c;
            if (l > 1) hidden += c;
        }
        return (2 * all + hidden, 2 * all + 2 * hidden);
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
