using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Networks;
using LinearizationLab.Runs;
using LinearizationLab.Tests.Experiments;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Runs;

/// <summary>
/// Facts about the terms of <see cref="RunMemory"/>: they count what the code allocates (θ's tensors, the kernel tiles, the
/// [N·O, N·O] kernels). How close the sum comes to measured peaks is the benchmark's (<c>lab-bench memory</c>: within a factor 1.5).
/// </summary>
[Collection("TorchSharp")]
public class RunMemoryTests
{
    private static SweepSpec Sweep(string widths, string extra = "") =>
        SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(widths, "1", extra), "S.json"));

    private static MemoryTerm Term(MemoryEstimate estimate, string prefix) => Assert.Single(estimate.Terms, t => t.Name.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public void AWideSweepIsDominatedByItsParameterSizedTensorsAndNamesItsLargestTensor()
    {
        var spec = Sweep("[200000]");
        long p = spec.Setup.Arch.WithHiddenWidth(200000).ParameterCount;
        var estimate = RunMemory.SweepRun(spec, 200000, train: 8, test: 6);
        var parameters = estimate.Largest;
        Assert.Equal("parameters and parameter-sized tensors", parameters.Name);
        // θ, the linearization's θ0 and Δθ, and the kernel velocity's −∇L, ∇L and scaled weights, float64.
        Assert.Equal(6 * p * 8, parameters.Bytes);
        Assert.StartsWith("6·P·e: θ, θ0, Δθ, the kernel velocity's −∇L, ∇L, scaled weights; P = 40,001,", parameters.Detail);
        Assert.EndsWith("the largest tensor hidden dense layer 2's weights 200000×200000 float64 = 320 GB", parameters.Detail);
        Assert.InRange(estimate.Bytes, 6 * p * 8, 6.01 * p * 8);   // nothing else comes near
    }

    [Fact]
    public void TheParameterTermCountsTheNetworksTensorsInItsDtype()
    {
        var config = RunConfig.Read(JsonSection.Parse("""
            {"arch": {"input_shape": [6], "layers": [{"type": "dense", "width": 48}, {"type": "relu"}, {"type": "dense", "width": 3}]},
             "data": {"source": "sphere", "dim": 6, "outputs": 3, "train_size": 10, "test_size": 4}, "loss": "mse",
             "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9, "batch_size": 5}, "steps": 2, "dtype": "float32"}
            """, "run.json"));
        using var network = Network.Create(config.Setup.Arch, 0, config.Setup.Settings);
        long bytes = network.Parameters.Sum(t => t.numel() * t.element_size());
        var estimate = RunMemory.Training(config, train: 10, test: 4);
        // θ, the linearization's θ0 and Δθ, and two float64 copies of its largest tensor (W_1, [48, 6]) while it is drawn.
        Assert.Equal(3 * bytes + 2 * 48 * 6 * 8, Term(estimate, "parameters").Bytes);
        Assert.Equal(bytes, Term(estimate, "optimizer").Bytes);   // the momentum's velocity, one per parameter
    }

    [Fact]
    public void TheEmpiricalNtkHoldsItsTotalAndPerLayerKernelsOfNOByNOEntries()
    {
        var arch = Arch.Mlp(4, [32, 32], 2);
        var settings = new TensorSettings(ScalarType.Float64, CPU);
        int n = 50, units = 3;
        long entries = (long)(n * 2) * (n * 2);
        var perLayer = Term(RunMemory.EmpiricalKernel(arch, settings, n, n, NtkMethod.Structured, perLayer: true), "empirical NTK");
        var total = Term(RunMemory.EmpiricalKernel(arch, settings, n, n, NtkMethod.Structured, perLayer: false), "empirical NTK");
        // (U + 1) tensors and their float64 copies with per-layer terms, against the total and one term without.
        Assert.Equal((units + 1 - 2) * entries * (8 + 8), perLayer.Bytes - total.Bytes);
    }

    [Fact]
    public void GpHoldsOneOrBothKernelsTiles()
    {
        var arch = Arch.Mlp(5, [64], 1);
        var data = DataSpec.Read(JsonSection.Parse("""{"source":"sphere","dim":5,"train_size":3000,"test_size":10}""", "gp.json"));
        var both = Term(RunMemory.Gp(arch, data, 3000, 10, 1, bothKernels: true), "training kernel tiles");
        var one = Term(RunMemory.Gp(arch, data, 3000, 10, 1, bothKernels: false), "training kernel tiles");
        Assert.Equal(2 * SymmetricTiles.Bytes(3000), both.Bytes);
        Assert.Equal(SymmetricTiles.Bytes(3000), one.Bytes);
        Assert.False(GpExperiment.HoldsBothKernels(3000, SymmetricTiles.Bytes(3000)));
        Assert.True(GpExperiment.HoldsBothKernels(3000, 2 * SymmetricTiles.Bytes(3000)));
    }

    [Fact]
    public void TheFunctionSpaceLinearizationHoldsItsKernelsAndOneMoreTrainingKernelWhileItIsMade()
    {
        // N = 8 training and M = 6 test inputs, O = 1, float64: Θ̂0(X, X) and Θ̂0(X_test, X) kept, (8 + 6)·8 entries, and one
        // more 8×8 matrix while the training kernel is made.
        var auto = RunMemory.SweepRun(Sweep("[16]"), 16, train: 8, test: 6);
        Assert.Equal((8 + 6) * 8 * 8 + 8 * 8 * 8, Term(auto, "function-space linearization's kernels").Bytes);
        Assert.DoesNotContain(RunMemory.SweepRun(Sweep("[16]", ", \"linearization\": \"parameter_space\""), 16, 8, 6).Terms,
            t => t.Name.StartsWith("function-space", StringComparison.Ordinal));
    }

    [Fact]
    public void AdamKeepsThreeParameterSizedBuffersAndTrainsTheLinearizationInParameterSpace()
    {
        var spec = SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json("[16]", "1")
            .Replace("""{"type": "gd", "learning_rate_fraction": 0.5}""", """{"type": "adam", "learning_rate": 0.01}"""), "S.json"));
        long p = spec.Setup.Arch.WithHiddenWidth(16).ParameterCount;
        var estimate = RunMemory.SweepRun(spec, 16, 8, 6);
        Assert.Equal(3 * p * 8, Term(estimate, "optimizer").Bytes);   // the two moments and the scratch of the fused step
        Assert.DoesNotContain(estimate.Terms, t => t.Name.StartsWith("function-space", StringComparison.Ordinal));
    }
}
