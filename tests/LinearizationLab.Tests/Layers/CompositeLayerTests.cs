using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

/// <summary>
/// Facts about blocks (<see cref="CompositeLayer"/>: serial, residual, parallel, repeat) that hold for every view: a block is its
/// layers composed, its parameters are theirs in order, and its infinite-width kernels are the limits of the finite networks'.
/// The per-view agreements (three NTK methods, hand-written passes, jets, velocity) run on <see cref="NtkTestNetworks.BlockMlps"/>
/// and <see cref="NtkTestNetworks.BlockCnns"/> in the tests of those views.
/// </summary>
[Collection("TorchSharp")]
public class CompositeLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Flat = """
        {"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},
        {"type":"relu"},{"type":"dense","width":12,"w_std":1.3,"b_std":0.1},{"type":"relu"},{"type":"dense","width":12,"w_std":1.3,"b_std":0.1},
        {"type":"relu"},{"type":"dense","width":2,"w_std":1.1,"b_std":0.2}]}
        """;

    private const string Nested = """
        {"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},
        {"type":"repeat","count":2,"layers":[{"type":"relu"},{"type":"dense","width":12,"w_std":1.3,"b_std":0.1}]},
        {"type":"serial","layers":[{"type":"relu"},{"type":"dense","width":2,"w_std":1.1,"b_std":0.2}]}]}
        """;

    [Fact]
    public void SerialAndRepeatBlocksAreTheirLayersWrittenOut()
    {
        var flat = NtkTestNetworks.Spec(Flat);
        var nested = NtkTestNetworks.Spec(Nested);
        using var scope = NewDisposeScope();
        using var a = Network.Create(flat, 3, TensorSettings.CpuFloat64);
        using var b = Network.Create(nested, 3, TensorSettings.CpuFloat64);
        // The same tensors drawn in the same order from one generator: equal bit for bit.
        Assert.Equal(a.Parameters.Count, b.Parameters.Count);
        for (int i = 0; i < a.Parameters.Count; i++) Assert.Equal(0.0, (a.Parameters[i] - b.Parameters[i]).abs().max().ToDouble());
        Assert.Equal(flat.ParameterCount, nested.ParameterCount);
        Assert.Equal(a.ParameterUnits.Select(u => u.Offset), b.ParameterUnits.Select(u => u.Offset));
        var x = NtkTestNetworks.Inputs(flat, 4, 2);
        // The same operations in the same order: identical outputs and kernels.
        Assert.Equal(0.0, (a.Forward(x) - b.Forward(x)).abs().max().ToDouble());
        var ntkA = new EmpiricalNtk(a).Compute(x, null, NtkMethod.Structured);
        var ntkB = new EmpiricalNtk(b).Compute(x, null, NtkMethod.Structured);
        Assert.Equal(ntkA.Full, ntkB.Full);
        var xs = TestInputs.Uniform(4, 5, 1);
        var kA = AnalyticKernels.Compute(flat, xs);
        var kB = AnalyticKernels.Compute(nested, xs);
        Assert.Equal(kA.Nngp, kB.Nngp);
        Assert.Equal(kA.Ntk, kB.Ntk);
    }

    [Fact]
    public void ASumOfTwoDenseBranchesIsOneDenseLayerWithTheVariancesAdded()
    {
        // Infinite width: K = (w1² + w2²)·K⁰ + b1² + b2² and Θ the same way (each branch Θ_c = K_c + w_c²·Θ⁰), so the sum of
        // two fresh dense branches has the kernels of one dense layer with w² = w1² + w2², b² = b1² + b2² — exactly.
        var sum = Arch.Parse("""
            {"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.2,"b_std":0.3},{"type":"erf"},
            {"type":"parallel","branches":[[{"type":"dense","width":8,"w_std":0.6,"b_std":0.4}],[{"type":"dense","width":8,"w_std":0.8,"b_std":0.3}]]},
            {"type":"relu"},{"type":"dense","width":1}]}
            """);
        var one = Arch.Parse("""
            {"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.2,"b_std":0.3},{"type":"erf"},
            {"type":"dense","width":8,"w_std":1.0,"b_std":0.5},{"type":"relu"},{"type":"dense","width":1}]}
            """);
        var x = TestInputs.Uniform(5, 4, 3);
        var ks = AnalyticKernels.Compute(sum, x);
        var k1 = AnalyticKernels.Compute(one, x);
        // 0.36 + 0.64 = 1 and 0.16 + 0.09 = 0.25 in floating point up to one rounding: agreement to 1e-14 relative.
        MatrixAssert.Close(k1.Nngp, ks.Nngp, 1e-14);
        MatrixAssert.Close(k1.Ntk, ks.Ntk, 1e-14);
    }

    [Fact]
    public void ASumOfBranchesThatAreNotIndependentHasNoAnalyticKernel()
    {
        var arch = Arch.Parse("""
            {"input_shape":[4],"layers":[{"type":"dense","width":8},
            {"type":"residual","layers":[{"type":"dense","width":8},{"type":"relu"}]},{"type":"dense","width":1}]}
            """);
        var e = Assert.Throws<ArgumentException>(() => AnalyticKernels.Compute(arch, TestInputs.Uniform(2, 4, 1)));
        Assert.StartsWith("layers[1]: ", e.Message);
        Assert.Contains("independent branches", e.Message);
    }

    [Fact]
    public void ConcatenatingABranchWithItselfKeepsItsKernel()
    {
        // The channel-weighted mean of two equal kernels is that kernel.
        var twice = Arch.Parse("""
            {"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.3,"b_std":0.2},
            {"type":"parallel","combine":"concat","branches":[[{"type":"tanh"}],[{"type":"tanh"}]]},{"type":"dense","width":1}]}
            """);
        var once = Arch.Parse("""
            {"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.3,"b_std":0.2},{"type":"tanh"},{"type":"dense","width":1}]}
            """);
        var x = TestInputs.Uniform(4, 4, 5);
        var k2 = AnalyticKernels.Compute(twice, x);
        var k1 = AnalyticKernels.Compute(once, x);
        MatrixAssert.Close(k1.Nngp, k2.Nngp, 1e-14);   // ½K + ½K = K up to one rounding
        MatrixAssert.Close(k1.Ntk, k2.Ntk, 1e-14);
    }

    /// <summary>
    /// Wide networks of blocks. Each activation acts on a Gaussian pre-activation (a dense/conv output or a sum of them), as the
    /// kernel maps assume: two activations in a row (erf of tanh) are not Gaussian inputs, and their maps do not compose.
    /// </summary>
    public static TheoryData<string> MonteCarloNetworks() => ["residual-mlp", "scaled-residual-mlp", "layer-norm-residual-mlp", "concat-mlp", "residual-cnn"];

    private static ArchitectureSpec MonteCarloNetwork(string name, int width) => name switch
    {
        "residual-mlp" => Arch.Parse($$"""
            {"input_shape":[6],"layers":[{"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1},
            {"type":"repeat","count":2,"layers":[{"type":"residual","layers":[{"type":"relu"},{"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1}]}]},
            {"type":"relu"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}
            """),
        "scaled-residual-mlp" => Arch.Parse($$"""
            {"input_shape":[6],"layers":[{"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1},
            {"type":"residual","scale":0.5,"layers":[{"type":"erf"},{"type":"dense","width":{{width}},"w_std":1.3},{"type":"tanh"},{"type":"dense","width":{{width}},"w_std":1.3,"b_std":0.2}],
             "shortcut":[{"type":"dense","width":{{width}},"w_std":1.0}]},
            {"type":"erf"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}
            """),
        "layer-norm-residual-mlp" => Arch.Parse($$"""
            {"input_shape":[6],"layers":[{"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1},
            {"type":"repeat","count":2,"layers":[{"type":"residual","scale":0.7,"layers":[{"type":"layer_norm","affine":true},
              {"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1},{"type":"relu"},{"type":"dense","width":{{width}},"w_std":1.4}]}]},
            {"type":"layer_norm"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}
            """),
        "concat-mlp" => Arch.Parse($$"""
            {"input_shape":[6],"layers":[{"type":"dense","width":{{width}},"w_std":1.4,"b_std":0.1},{"type":"tanh"},
            {"type":"parallel","combine":"concat","branches":[[{"type":"dense","width":{{width / 2}},"w_std":1.3},{"type":"relu"}],[{"type":"dense","width":{{width}},"w_std":1.2,"b_std":0.2},{"type":"erf"}]]},
            {"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}
            """),
        _ => Arch.Parse($$"""
            {"input_shape":[1,4,4],"layers":[{"type":"conv","channels":{{width}},"kernel":[3,3],"padding":"same","w_std":1.4,"b_std":0.1},
            {"type":"residual","layers":[{"type":"relu"},{"type":"conv","channels":{{width}},"kernel":[3,3],"padding":"same","w_std":1.4},
              {"type":"relu"},{"type":"conv","channels":{{width}},"kernel":[3,3],"padding":"circular","w_std":1.4,"b_std":0.1}]},
            {"type":"avg_pool","window":[2,2],"stride":[1,1]},{"type":"relu"},{"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0}]}
            """),
    };

    [Theory]
    [MemberData(nameof(MonteCarloNetworks))]
    public void TheMeanKernelsOfWideNetworksAreTheAnalyticOnes(string name)
    {
        var x = TestInputs.Uniform(3, MonteCarloNetwork(name, 8).InputSize, 4);
        var analytic = AnalyticKernels.Compute(MonteCarloNetwork(name, 8), x);
        var mc = MonteCarloKernels.Estimate(MonteCarloNetwork(name, 1024), x, null, samples: 16, firstSeed: 40);
        // At width 1024 the mean of 16 draws differs from the limit by the O(1/n) bias (~0.1–1% for these depths) and by
        // noise O(1/√(n·S)) ≈ 1%: 5% leaves a margin without hiding a wrong kernel rule (a rule error moves the kernels by
        // tens of percent, e.g. a missing s² or a concatenation weighted 1:1 instead of by channels).
        output.WriteLine($"{name}: NNGP {MatrixDistance.RelativeFrobenius(mc.NngpMean, analytic.Nngp):P2}, NTK {MatrixDistance.RelativeFrobenius(mc.NtkMean, analytic.Ntk):P2}");
        Assert.True(MatrixDistance.RelativeFrobenius(mc.NngpMean, analytic.Nngp) < 0.05,
            $"NNGP off by {MatrixDistance.RelativeFrobenius(mc.NngpMean, analytic.Nngp):P2}");
        Assert.True(MatrixDistance.RelativeFrobenius(mc.NtkMean, analytic.Ntk) < 0.05,
            $"NTK off by {MatrixDistance.RelativeFrobenius(mc.NtkMean, analytic.Ntk):P2}");
    }
}
