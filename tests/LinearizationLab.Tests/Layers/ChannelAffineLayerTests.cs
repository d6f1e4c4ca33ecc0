using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

[Collection("TorchSharp")]
public class ChannelAffineLayerTests
{
    private static readonly ChannelAffineLayer Layer = new();

    [Theory]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 3, 5 })]
    [InlineData(new[] { 2, 3, 4 })]
    public void ItKeepsTheShapeAndOwnsOneGainAndOneBiasPerChannel(int[] input)
    {
        Assert.Equal(input, Layer.OutputShape(input));
        Assert.Equal(2L * input[0], Layer.ParameterCount(input));
        var init = Layer.InitialParameters(new LayerContext(Parameterization.Ntk, input));
        Assert.Equal([(long)input[0]], init[0].Shape);
        Assert.Equal((0.0, 1.0), (init[0].Std, init[0].Mean));
        Assert.Equal((0.0, 0.0), (init[1].Std, init[1].Mean));
    }

    [Fact]
    public void ANewNetworkStartsWithUnitGainsAndZeroBiases()
    {
        var spec = Spec("""{"input_shape":[3],"layers":[{"type":"dense","width":4},{"type":"channel_affine"},{"type":"dense","width":1}]}""");
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 1, TensorSettings.CpuFloat64);
        Assert.Equal(4 * 3 + 4 + 4 + 4 + 4 + 1, network.ParameterCount);
        // Drawn as N(1, 0²) and N(0, 0²): exactly 1 and 0.
        Assert.True(network.Parameters[2].eq(1.0).all().ToBoolean());
        Assert.True(network.Parameters[3].eq(0.0).all().ToBoolean());
    }

    [Theory]
    [InlineData(new[] { 3 })]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 3, 2, 2 })]
    public void ForwardScalesAndShiftsEachChannel(int[] shape)
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(4);
        var x = randn([2, .. shape.Select(s => (long)s)], ScalarType.Float64, CPU, generator: gen);
        double[] gain = [0.5, -2, 3], bias = [1, 0.25, -4];
        var y = Layer.Forward(new LayerContext(Parameterization.Ntk, shape), x,
            [tensor(gain, ScalarType.Float64), tensor(bias, ScalarType.Float64)], 0).data<double>().ToArray();
        var values = x.data<double>().ToArray();
        int positions = shape.Skip(1).Aggregate(1, (a, s) => a * s);
        for (int e = 0; e < values.Length; e++)
        {
            int c = e / positions % 3;
            Assert.Equal(gain[c] * values[e] + bias[c], y[e], 1e-15);   // one multiply-add: exact up to one rounding
        }
    }

    public static TheoryData<int[]> Shapes() => new() { new[] { 4 }, new[] { 3, 5 }, new[] { 2, 2, 3 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void JvpAndJetAreTheDerivativesAlongARay(int[] shape)
    {
        // Along x(s) = x_0 + s·x_1 + s²·x_2 + s³·x_3, γ(s) = γ0 + s·Δγ, β(s) = β0 + s·Δβ: the jet's z_j is (1/j!)·dʲy/dsʲ at 0,
        // and the Jvp with (ẋ, γ̇, β̇) = (x_1, Δγ, Δβ) the first derivative; autograd takes the three derivatives one output
        // entry at a time. y is a polynomial in s, so the two differ by round-off only.
        var context = new LayerContext(Parameterization.Ntk, shape);
        using var scope = NewDisposeScope();
        using var gen = new Generator(6);
        long[] full = [2, .. shape.Select(s => (long)s)];
        var x = Enumerable.Range(0, 4).Select(_ => randn(full, ScalarType.Float64, CPU, generator: gen)).ToArray();
        var p = Enumerable.Range(0, 4).Select(_ => randn([shape[0]], ScalarType.Float64, CPU, generator: gen)).ToArray();
        Tensor[] theta = [p[0], p[1]], delta = [p[2], p[3]];
        var jet = Layer.Jet(context, x[0], [x[1], x[2], x[3]], theta, delta, 0, []);
        var (_, jvp) = Layer.Jvp(context, x[0], x[1], theta, delta, 0);

        var derivatives = HandWrittenPasses.RayDerivatives(full, s =>
        {
            var ray = x[0] + s * x[1] + s.square() * x[2] + s.pow(3) * x[3];
            return Layer.Forward(context, ray, [theta[0] + s * delta[0], theta[1] + s * delta[1]], 0);
        });
        for (int j = 0; j < 3; j++)
            Assert.True((jet[j]! - derivatives[j]).norm().ToDouble() <= 1e-13 * derivatives[j].norm().ToDouble(), $"order {j + 1}");
        Assert.True((jvp! - derivatives[0]).norm().ToDouble() <= 1e-13 * derivatives[0].norm().ToDouble());
    }

    private const string Mlp = """
        {"input_shape":[5],"layers":[{"type":"dense","width":8,"w_std":1.4,"b_std":0.3},{"type":"channel_affine"},{"type":"tanh"},
          {"type":"dense","width":6,"w_std":1.3,"b_std":0.2},{"type":"relu"},{"type":"channel_affine"},{"type":"dense","width":3,"w_std":1.1,"b_std":0.4}]}
        """;

    private const string FlatCnn = """
        {"input_shape":[2,6],"layers":[{"type":"conv","channels":4,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"channel_affine"},
          {"type":"erf"},{"type":"flatten"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}
        """;

    private const string PooledCnn = """
        {"input_shape":[1,4,3],"parameterization":"standard","layers":[{"type":"conv","channels":5,"kernel":[2,2],"padding":"circular","w_std":1.4,"b_std":0.2},
          {"type":"relu"},{"type":"channel_affine"},{"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}
        """;

    [Theory]
    [InlineData(Mlp, 1)]
    [InlineData(Mlp, 5)]
    [InlineData(FlatCnn, 1)]
    [InlineData(PooledCnn, 2)]
    public void TheStructuredTermIsTheGainAndBiasPartOfTheJacobianProduct(string json, int layerIndex)
    {
        // Θ̂_γβ = J_γ J_γᵀ + J_β J_βᵀ with the Jacobian rows ∂f_k(x_i)/∂(γ, β) from autograd, against the structured term from
        // the layer's input a and Δ = ∂f/∂y: the same sums of products in another order, so float64 round-off. Without the
        // bias part the term is J_γ J_γᵀ alone.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = HandWrittenPasses.Perturbed(spec, 2);
        var x1 = Inputs(spec, 4, 1);
        var x2 = Inputs(spec, 3, 2);
        int offset = network.ParameterOffset(layerIndex), o = spec.OutputCount;
        var (a1, d1) = InputAndOutputGradient(network, layerIndex, x1);
        var (a2, d2) = InputAndOutputGradient(network, layerIndex, x2);
        var layer = network.Layers[layerIndex];
        var (g1, b1) = GainAndBiasRows(network, offset, x1);
        var (g2, b2) = GainAndBiasRows(network, offset, x2);
        var withBias = layer.StructuredNtkTerm(a1, d1, a2, d2, o);
        var expected = g1.matmul(g2.t()) + b1.matmul(b2.t());
        Assert.True((withBias - expected).norm().ToDouble() <= 1e-12 * expected.norm().ToDouble());
        var gainsOnly = layer.StructuredNtkTerm(a1, d1, a2, d2, o, bias: false);
        Assert.True((gainsOnly - g1.matmul(g2.t())).norm().ToDouble() <= 1e-12 * expected.norm().ToDouble());
    }

    [Theory]
    [InlineData(Mlp)]
    [InlineData("""{"input_shape":[4],"parameterization":"standard","layers":[{"type":"channel_affine"},{"type":"dense","width":6,"w_std":1.2},{"type":"erf"},{"type":"channel_affine"},{"type":"dense","width":2}]}""")]
    public void HandWrittenPassesAreAutogradsToRoundOff(string json)
    {
        // Forward/backprop, tangent, and the stacked jet with its transpose against autograd and forward mode (as in
        // NetworkBackpropTests): the same float64 products summed in another order. The second network starts with the layer,
        // so its gains and biases are the first parameters (no input gradient is asked of it).
        var spec = Spec(json);
        Assert.InRange(HandWrittenPasses.BackpropGap(spec), 0, 1e-12);
        Assert.InRange(HandWrittenPasses.TangentGap(spec), 0, 1e-12);
        foreach (int order in new[] { 1, 2, 3 })
            Assert.InRange(HandWrittenPasses.JetGap(spec, order), 0, 1e-12);
    }

    [Fact]
    public void AtInitializationTheNngpIsUnchangedAndTheNtkGainsKPlusOne()
    {
        // K ← K exactly (γ = 1, β = 0 is the identity) and Θ ← Θ + K + 1. A readout of w = 1, b = 0 gives Θ_out = K_in + Θ_in
        // without the layer and K_in + (Θ_in + K_in + 1) with it, and its NNGP is K_in: the NTKs differ by NNGP + 1 (round-off).
        var x = TestInputs.Uniform(4, 5, 3);
        string Net(string middle) => $$"""{"input_shape":[5],"layers":[{"type":"dense","width":64,"w_std":1.3,"b_std":0.2},{"type":"erf"}{{middle}},{"type":"dense","width":1,"w_std":1.0}]}""";
        var plain = AnalyticKernels.Compute(Arch.Parse(Net("")), x);
        var affine = AnalyticKernels.Compute(Arch.Parse(Net(""",{"type":"channel_affine"}""")), x);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(plain.Nngp[i, j], affine.Nngp[i, j]);
            Assert.Equal(plain.Ntk[i, j] + plain.Nngp[i, j] + 1, affine.Ntk[i, j], 1e-13);
        }
    }

    public static TheoryData<string> WideNetworks() => ["mlp", "cnn"];

    [Theory]
    [MemberData(nameof(WideNetworks))]
    public void TheAnalyticNtkMatchesTheWideNetworksFullNtkMeanWhenALinearLayerFollows(string name)
    {
        // The empirical NTK over all parameters (gains and biases included, by autograd) averaged over 16 seeds at width 1024
        // (512 channels): each entry fluctuates by O(1/√n) per draw, ≈ 1% in the mean, and the finite-width bias is O(1/n);
        // 5% of the entry's scale √(Θ_ii·Θ_jj) leaves room for both and would miss the gains' K + 1 (≥ 20% of Θ here).
        var arch = Arch.Parse(name == "mlp"
            ? """{"input_shape":[6],"layers":[{"type":"dense","width":1024,"w_std":1.5,"b_std":0.3},{"type":"layer_norm"},{"type":"relu"},{"type":"channel_affine"},{"type":"dense","width":1,"w_std":1.2,"b_std":0.1}]}"""
            : """{"input_shape":[2,5],"layers":[{"type":"conv","channels":512,"kernel":[3],"padding":"circular","w_std":1.4,"b_std":0.2},{"type":"erf"},{"type":"channel_affine"},{"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}""");
        var x = TestInputs.Uniform(4, arch.InputSize, 7);
        LayerNormLayerTests.AssertWithin(MeanFullNtk(arch, x, 16), AnalyticKernels.Compute(arch, x).Ntk, 0.05, "NTK");
    }

    [Fact]
    public void AnActivationRightAfterTheLayerHasNoAnalyticKernel()
    {
        // The trap of docs/KERNEL-CONVENTIONS.md: per unit the gains add u·u′ to Θ, a random term of the same u the next φ reads,
        // so a ReLU after the layer gives E[φ′(u)φ′(u′)·u·u′] = K_relu, not K̇·K as its rule Θ ← K̇·Θ assumes (measured on a
        // width-1024 network: 0.081 of the kernel's scale off the diagonal). The analytic code refuses such a network.
        var arch = Arch.Parse("""{"input_shape":[6],"layers":[{"type":"dense","width":8,"w_std":1.5,"b_std":0.3},{"type":"layer_norm","affine":true},{"type":"relu"},{"type":"dense","width":1,"w_std":1.2,"b_std":0.1}]}""");
        var e = Assert.Throws<ArgumentException>(() => AnalyticKernels.Compute(arch, TestInputs.Uniform(3, 6, 7)));
        Assert.StartsWith("layers[2]: ", e.Message);
        Assert.Contains("learned gain", e.Message);
    }

    /// <summary>The mean over <paramref name="seeds"/> networks (seeds 200, 201, …) of the full empirical NTK on x (one output).</summary>
    private static double[,] MeanFullNtk(ArchitectureSpec arch, double[,] x, int seeds)
    {
        int n = x.GetLength(0);
        var mean = new double[n, n];
        for (int seed = 0; seed < seeds; seed++)
        {
            using var scope = NewDisposeScope();
            using var network = Network.Create(arch, 200 + seed, TensorSettings.CpuFloat64);
            var t = KernelTensors.FromMatrix(x, [n, .. arch.InputShape.Select(c => (long)c)], TensorSettings.CpuFloat64);
            var ntk = KernelTensors.ToMatrix(FullNtk(network, t));
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) mean[i, j] += ntk[i, j] / seeds;
        }
        return mean;
    }

    /// <summary>J Jᵀ over every parameter tensor, with J [N·O, P] row by row from autograd.</summary>
    private static Tensor FullNtk(Network network, Tensor x)
    {
        using var grad = enable_grad();
        var theta = network.Parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var f = network.Forward(x, theta);
        var rows = new List<Tensor>();
        for (long i = 0; i < f.shape[0]; i++)
        for (long k = 0; k < f.shape[1]; k++)
            rows.Add(cat(autograd.grad([f[i, k]], theta, retain_graph: true).Select(g => g.flatten()).ToArray(), 0));
        var j = stack(rows, 0);
        return j.matmul(j.t()).detach();
    }

    /// <summary>The layer's input a [N, ...] and Δ = ∂f/∂y at its output [N, O, ...], by running the layers around it.</summary>
    private static (Tensor Input, Tensor Delta) InputAndOutputGradient(Network network, int layerIndex, Tensor x)
    {
        var theta = network.Parameters.Select(p => p.detach()).ToArray();
        var a = x;
        for (int l = 0; l < layerIndex; l++) a = network.Layers[l].Forward(a, theta, network.ParameterOffset(l));
        using var grad = enable_grad();
        var y = network.Layers[layerIndex].Forward(a, theta, network.ParameterOffset(layerIndex)).detach().requires_grad_(true);
        var f = y;
        for (int l = layerIndex + 1; l < network.Layers.Count; l++) f = network.Layers[l].Forward(f, theta, network.ParameterOffset(l));
        var deltas = Enumerable.Range(0, (int)f.shape[1])
            .Select(k => autograd.grad([f.select(1, k).sum()], [y], retain_graph: true)[0]).ToArray();
        return (a, stack(deltas, 1));
    }

    /// <summary>Rows (i, k) of ∂f/∂γ and ∂f/∂β for the layer whose γ is parameter <paramref name="offset"/>, each [N·O, C].</summary>
    private static (Tensor Gain, Tensor Bias) GainAndBiasRows(Network network, int offset, Tensor x)
    {
        using var grad = enable_grad();
        var theta = network.Parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var f = network.Forward(x, theta);
        var gains = new List<Tensor>();
        var biases = new List<Tensor>();
        for (long i = 0; i < f.shape[0]; i++)
        for (long k = 0; k < f.shape[1]; k++)
        {
            var g = autograd.grad([f[i, k]], [theta[offset], theta[offset + 1]], retain_graph: true);
            gains.Add(g[0]);
            biases.Add(g[1]);
        }
        return (stack(gains, 0), stack(biases, 0));
    }
}
