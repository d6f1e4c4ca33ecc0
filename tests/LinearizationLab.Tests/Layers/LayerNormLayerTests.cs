using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Linearization;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

[Collection("TorchSharp")]
public class LayerNormLayerTests
{
    /// <summary>dense → relu → layer_norm → channel_affine → dense → tanh → layer_norm (ε = 0.1) → dense: every hand-written pass of both layers.</summary>
    public static string NormalizedMlp(string parameterization) => $$"""
        {"input_shape":[5],"parameterization":"{{parameterization}}","layers":[
          {"type":"dense","width":9,"w_std":1.4,"b_std":0.3},{"type":"relu"},{"type":"layer_norm"},{"type":"channel_affine"},
          {"type":"dense","width":7,"w_std":1.3,"b_std":0.2},{"type":"tanh"},{"type":"layer_norm","epsilon":0.1},
          {"type":"dense","width":3,"w_std":1.1,"b_std":0.4}]}
        """;

    [Fact]
    public void ForwardNormalizesTheFeaturesOfAFlatInput()
    {
        // Row 0: μ = 3, deviations (−2, −1, 0, 3), σ² = 14/4 = 3.5, so with ε = 0.5 the divisor is √4 = 2.
        // Row 1: μ = 0, σ² = 0.5, divisor √1 = 1. Every number is exact in binary: equality to the last bit but one.
        var layer = new LayerNormLayer(0.5);
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3, 6, 0, 0, 1, -1 }, [2, 4], ScalarType.Float64);
        var y = layer.Forward(new LayerContext(Parameterization.Ntk, [4]), x, [], 0).data<double>().ToArray();
        Assert.Equal(new double[] { -1, -0.5, 0, 1.5, 0, 0, 1, -1 }, y.Select(v => Math.Round(v, 14)));
    }

    [Theory]
    [InlineData(new[] { 3, 7 })]
    [InlineData(new[] { 3, 2, 4 })]
    public void ForwardNormalizesOverTheChannelsAtEachPosition(int[] shape)
    {
        // By hand: for each example n and position p, the mean and biased variance of x[n, :, p] over the C channels.
        var layer = new LayerNormLayer(0.01);
        using var scope = NewDisposeScope();
        using var gen = new Generator(3);
        var x = randn([2, .. shape.Select(s => (long)s)], ScalarType.Float64, CPU, generator: gen) * 2 + 0.5;
        var y = layer.Forward(new LayerContext(Parameterization.Ntk, shape), x, [], 0).data<double>().ToArray();
        var values = x.data<double>().ToArray();
        int c = shape[0], positions = shape.Skip(1).Aggregate(1, (a, s) => a * s);
        for (int n = 0; n < 2; n++)
        for (int p = 0; p < positions; p++)
        {
            int Index(int ch) => (n * c + ch) * positions + p;
            double mean = Enumerable.Range(0, c).Average(ch => values[Index(ch)]);
            double variance = Enumerable.Range(0, c).Average(ch => Math.Pow(values[Index(ch)] - mean, 2));
            for (int ch = 0; ch < c; ch++)
                // A handful of operations on O(1) numbers in float64: round-off ~1e-16.
                Assert.Equal((values[Index(ch)] - mean) / Math.Sqrt(variance + 0.01), y[Index(ch)], 1e-13);
        }
    }

    [Theory]
    [InlineData(new[] { 4 }, null)]
    [InlineData(new[] { 2, 5 }, null)]
    [InlineData(new[] { 3, 4, 4 }, null)]
    [InlineData(new[] { 1 }, "at least 2")]
    [InlineData(new[] { 1, 4, 4 }, "at least 2")]
    public void OutputShapeIsTheInputsWithAtLeastTwoFeatures(int[] input, string? error)
    {
        var layer = new LayerNormLayer(LayerNormLayer.DefaultEpsilon);
        if (error is null) Assert.Equal(input, layer.OutputShape(input));
        else Assert.Contains(error, Assert.Throws<ArgumentException>(() => layer.OutputShape(input)).Message);
    }

    [Fact]
    public void TheDefaultEpsilonIsNeuralTangents()
    {
        var spec = Arch.Parse("""{"input_shape":[4],"layers":[{"type":"layer_norm"},{"type":"layer_norm","epsilon":0.25,"affine":false},{"type":"dense","width":1}]}""");
        Assert.Equal(1e-12, Assert.IsType<LayerNormLayer>(spec.Layers[0]).Epsilon);   // stax.LayerNorm(eps=1e-12)
        Assert.Equal(0.25, Assert.IsType<LayerNormLayer>(spec.Layers[1]).Epsilon);
        Assert.Equal(5L, spec.ParameterCount);   // the readout's 4 + 1: layer_norm has no parameters
    }

    [Theory]
    [InlineData("""{"type":"layer_norm","epsilon":0}""", "layers[0].epsilon", "greater than 0")]
    [InlineData("""{"type":"layer_norm","epsilon":"small"}""", "layers[0].epsilon", "finite number")]
    [InlineData("""{"type":"layer_norm","affine":1}""", "layers[0].affine", "true or false")]
    [InlineData("""{"type":"layer_norm","eps":0.1}""", "layers[0].eps", "unknown field")]
    public void BadFieldsAreNamed(string layer, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            ArchitectureReader.Read(JsonSection.Parse($$"""{"input_shape":[4],"layers":[{{layer}},{"type":"dense","width":1}]}""", "a.json")));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnAffineLayerNormIsTheNormalizationFollowedByAPerChannelGainAndBias()
    {
        var spec = ArchitectureReader.Read(JsonSection.Parse(
            """{"input_shape":[4],"layers":[{"type":"layer_norm","affine":true,"epsilon":1e-5},{"type":"dense","width":1}]}""", "a.json"));
        var block = Assert.IsType<SerialBlock>(spec.Layers[0]);
        Assert.Equal([new LayerNormLayer(1e-5), new ChannelAffineLayer()], block.Layers);
        Assert.Equal(2, block.ParameterTensorCount);    // γ and β
        Assert.Equal(8, block.ParameterCount([4]));
    }

    public static TheoryData<int[], bool> ShapesForJets() => new()
    {
        { [5], false }, { [5], true }, { [3, 4], false }, { [3, 2, 3], true },
    };

    [Theory]
    [MemberData(nameof(ShapesForJets))]
    public void JvpAndJetAreTheDerivativesAlongARay(int[] shape, bool secondCoefficientZero)
    {
        // Along x(s) = x_0 + s·x_1 + s²·x_2 + s³·x_3, the jet's z_j must be (1/j!)·dʲy/dsʲ at s = 0 and the Jvp with ẋ = x_1 the
        // first derivative. Autograd differentiates y(x(s)) three times in s, one output entry at a time: the same derivatives
        // by another route, so only round-off (~1e-15 relative on O(1) numbers, a few orders more through three nested graphs).
        var layer = new LayerNormLayer(0.05);
        var context = new LayerContext(Parameterization.Ntk, shape);
        using var scope = NewDisposeScope();
        using var gen = new Generator(5);
        long[] full = [2, .. shape.Select(s => (long)s)];
        var x = Enumerable.Range(0, 4).Select(_ => randn(full, ScalarType.Float64, CPU, generator: gen)).ToArray();
        x[0] = x[0] + 0.7;   // a nonzero mean, which the layer removes
        Tensor?[] coefficients = [x[1], secondCoefficientZero ? null : x[2], x[3]];
        var jet = layer.Jet(context, x[0], coefficients, [], [], 0, layer.JetDerivatives(context, x[0], 3));
        var (_, jvp) = layer.Jvp(context, x[0], x[1], [], [], 0);

        var derivatives = HandWrittenPasses.RayDerivatives(full, s =>
        {
            var ray = x[0] + s * x[1] + s.square() * (coefficients[1] ?? zeros_like(x[0])) + s.pow(3) * x[3];
            return layer.Forward(context, ray, [], 0);
        });
        for (int j = 0; j < 3; j++)
            Assert.True((jet[j]! - derivatives[j]).norm().ToDouble() <= 1e-12 * derivatives[j].norm().ToDouble(),
                $"order {j + 1}: |Δ| = {(jet[j]! - derivatives[j]).norm().ToDouble():G3} of {derivatives[j].norm().ToDouble():G3}");
        Assert.True((jvp! - derivatives[0]).norm().ToDouble() <= 1e-12 * derivatives[0].norm().ToDouble());
    }

    [Fact]
    public void AJetOfAConstantInputIsZero()
    {
        // Before any parameter the input does not move along the ray: every coefficient is absent, and so is every output's.
        var layer = new LayerNormLayer(0.1);
        using var scope = NewDisposeScope();
        var x = ones(2, 4, dtype: ScalarType.Float64).cumsum(1);
        var context = new LayerContext(Parameterization.Ntk, [4]);
        Assert.All(layer.Jet(context, x, [null, null, null], [], [], 0, layer.JetDerivatives(context, x, 3)), Assert.Null);
        Assert.Null(layer.Jvp(context, x, null, [], [], 0).Tangent);
    }

    [Theory]
    [InlineData("ntk")]
    [InlineData("standard")]
    public void HandWrittenBackpropGivesAutogradsGradients(string parameterization)
    {
        // The same products and sums in float64 as autograd, in another order: round-off only.
        Assert.InRange(HandWrittenPasses.BackpropGap(Spec(NormalizedMlp(parameterization))), 0, 1e-12);
    }

    [Theory]
    [InlineData("ntk")]
    [InlineData("standard")]
    public void HandWrittenTangentIsTheForwardModeJvp(string parameterization)
    {
        // The same Jacobian-vector products as Layer.Jvp, without recomputing the point: round-off only.
        Assert.InRange(HandWrittenPasses.TangentGap(Spec(NormalizedMlp(parameterization))), 0, 1e-12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void HandWrittenJetAndItsTransposeAreAutogradsOnTheSameJet(int order)
    {
        // JetInto/JetBackprop against Network.Jet and autograd through it, for a new batch and the cached point: round-off.
        Assert.InRange(HandWrittenPasses.JetGap(Spec(NormalizedMlp("ntk")), order), 0, 1e-12);
    }

    public static TheoryData<string> ZeroMeanNetworks() => ["mlp", "tanh-mlp", "cnn-flatten", "cnn-pool"];

    private static ArchitectureSpec ZeroMean(string name) => Arch.Parse(name switch
    {
        // dense → layer_norm: the normalized features are zero-mean Gaussians.
        "mlp" => """{"input_shape":[6],"layers":[{"type":"dense","width":1024,"w_std":1.5,"b_std":0.3},{"type":"layer_norm"},{"type":"relu"},{"type":"dense","width":1,"w_std":1.2,"b_std":0.1}]}""",
        // An odd φ of zero-mean Gaussians has mean zero too: tanh before layer_norm satisfies the assumption.
        "tanh-mlp" => """{"input_shape":[6],"layers":[{"type":"dense","width":1024,"w_std":1.5,"b_std":0.3},{"type":"tanh"},{"type":"layer_norm","epsilon":0.01},{"type":"dense","width":1,"w_std":1.2,"b_std":0.1}]}""",
        // Per position over the channels; the diagonal of the spatial kernel (flatten) and the full one (global_avg_pool).
        "cnn-flatten" => """{"input_shape":[2,5],"layers":[{"type":"conv","channels":512,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"layer_norm"},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}""",
        _ => """{"input_shape":[2,5],"layers":[{"type":"conv","channels":512,"kernel":[3],"padding":"circular","w_std":1.4,"b_std":0.2},{"type":"layer_norm"},{"type":"erf"},{"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}""",
    });

    [Theory]
    [MemberData(nameof(ZeroMeanNetworks))]
    public void AnalyticKernelsMatchTheWideNetworksMeanWhenTheFeaturesHaveMeanZero(string name)
    {
        // Mean over 16 seeds at width 1024 (512 channels over 5 positions): each entry fluctuates by O(1/√n) ≈ 3% per draw,
        // so ≈ 1% in the mean, and the finite-width bias (E[1/σ̂] over n features) is O(1/n). 5% of the entry's scale
        // √(K_ii·K_jj) separates these from a wrong rule (ignoring the division moves entries by 30% or more here).
        var arch = ZeroMean(name);
        var x = TestInputs.Uniform(4, arch.InputSize, 1);
        var analytic = AnalyticKernels.Compute(arch, x);
        var mc = MonteCarloKernels.Estimate(arch, x, null, samples: 16, firstSeed: 40);
        AssertWithin(mc.NngpMean, analytic.Nngp, 0.05, "NNGP");
        AssertWithin(mc.NtkMean, analytic.Ntk, 0.05, "NTK");
    }

    [Fact]
    public void AfterReluTheWideNetworkSubtractsTheMeanThatTheKernelRuleIgnores()
    {
        // ReLU features have mean m = √(Σ/2π) ≠ 0, which layer_norm subtracts at any width, so the wide network converges to
        // (K − m1·m2)/√((K11 − m1² + ε)(K22 − m2² + ε)), not to neural-tangents' K/√((K11 + ε)(K22 + ε)) (its LayerNorm
        // refuses non-Gaussian inputs). The readout (w = 1, b = 0) returns that NNGP unchanged. Tolerances as above; the
        // ignored mean moves the off-diagonal entries by ≈ 0.3–0.5 of their scale.
        var arch = Arch.Parse("""{"input_shape":[6],"layers":[{"type":"dense","width":1024,"w_std":1.5,"b_std":0.3},{"type":"relu"},{"type":"layer_norm"},{"type":"dense","width":1,"w_std":1.0}]}""");
        var x = TestInputs.Uniform(4, arch.InputSize, 2);
        var mc = MonteCarloKernels.Estimate(arch, x, null, samples: 16, firstSeed: 60);
        var analytic = AnalyticKernels.Compute(arch, x);
        int n = x.GetLength(0), d = x.GetLength(1);
        var sigma = new double[n, n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            sigma[i, j] = 1.5 * 1.5 * Enumerable.Range(0, d).Sum(f => x[i, f] * x[j, f]) / d + 0.3 * 0.3;
        var centered = new double[n, n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        {
            double s11 = sigma[i, i], s22 = sigma[j, j], s12 = sigma[i, j];
            double theta = Math.Acos(Math.Clamp(s12 / Math.Sqrt(s11 * s22), -1, 1));
            double relu = (Math.Sqrt(Math.Max(s11 * s22 - s12 * s12, 0)) + (Math.PI - theta) * s12) / (2 * Math.PI);
            double m1 = Math.Sqrt(s11 / (2 * Math.PI)), m2 = Math.Sqrt(s22 / (2 * Math.PI));
            centered[i, j] = (relu - m1 * m2) / Math.Sqrt((s11 / 2 - m1 * m1 + 1e-12) * (s22 / 2 - m2 * m2 + 1e-12));
        }
        AssertWithin(mc.NngpMean, centered, 0.05, "centered NNGP");
        double worst = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            worst = Math.Max(worst, Math.Abs(analytic.Nngp[i, j] - mc.NngpMean[i, j]) / Math.Sqrt(analytic.Nngp[i, i] * analytic.Nngp[j, j]));
        Assert.True(worst > 0.2, $"the rule that ignores the mean is off by only {worst:G3} of the scale");
    }

    /// <summary>|a − b| ≤ tolerance·√(b_ii·b_jj) for every entry: errors in units of the diagonal (correlation units).</summary>
    internal static void AssertWithin(double[,] a, double[,] b, double tolerance, string what)
    {
        int n = b.GetLength(0);
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        {
            double gap = Math.Abs(a[i, j] - b[i, j]) / Math.Sqrt(b[i, i] * b[j, j]);
            Assert.True(gap <= tolerance, $"{what}[{i},{j}]: {a[i, j]:G4} vs {b[i, j]:G4}, {gap:P1} of the scale");
        }
    }
}
