using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about average pooling: its shapes and fields, its forward pass and its infinite-width kernel map.</summary>
[Collection("TorchSharp")]
public class AvgPoolLayerTests
{
    /// <summary>
    /// Relative tolerance for the kernel map against P·K·Pᵀ: both sum at most |window|² O(1) float64 products in different
    /// orders, round-off ~1e-16·|window|², far below 1e-12.
    /// </summary>
    private const double KernelRoundOff = 1e-12;

    /// <summary>Averages of a few small integers in float64: exact up to the one rounding of the division (≤ 1 ulp of ~10 ≈ 2e-15).</summary>
    private const double FewUlps = 1e-14;

    private static AvgPoolLayer Pool(int[] window, int[] stride, Padding padding) => new(window, stride, padding);

    private static ArchitectureSpec Parse(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "a.json"));

    [Theory]
    // VALID: ⌊(n − k)/s⌋ + 1 per axis; SAME: ⌈n/s⌉ (JAX/neural-tangents, as conv); channels pass through.
    [InlineData(new[] { 3, 8 }, new[] { 2 }, new[] { 2 }, "valid", new[] { 3, 4 })]
    [InlineData(new[] { 3, 7 }, new[] { 2 }, new[] { 2 }, "valid", new[] { 3, 3 })]
    [InlineData(new[] { 3, 7 }, new[] { 3 }, new[] { 1 }, "valid", new[] { 3, 5 })]
    [InlineData(new[] { 3, 7 }, new[] { 2 }, new[] { 2 }, "same", new[] { 3, 4 })]
    [InlineData(new[] { 3, 7 }, new[] { 4 }, new[] { 1 }, "same", new[] { 3, 7 })]
    [InlineData(new[] { 3, 2 }, new[] { 5 }, new[] { 1 }, "same", new[] { 3, 2 })]
    [InlineData(new[] { 2, 5, 6 }, new[] { 2, 3 }, new[] { 1, 2 }, "valid", new[] { 2, 4, 2 })]
    [InlineData(new[] { 2, 5, 6 }, new[] { 2, 2 }, new[] { 2, 2 }, "same", new[] { 2, 3, 3 })]
    [InlineData(new[] { 2, 5, 6 }, new[] { 3, 3 }, new[] { 1, 1 }, "same", new[] { 2, 5, 6 })]
    public void OutputShapeFollowsThePaddingRule(int[] input, int[] window, int[] stride, string padding, int[] output) =>
        Assert.Equal(output, Pool(window, stride, padding == "same" ? Padding.Same : Padding.Valid).OutputShape(input));

    [Theory]
    [InlineData(new[] { 5 }, new[] { 2 }, "flat input [5]")]
    [InlineData(new[] { 1, 8 }, new[] { 2, 2 }, "2-D avg_pool")]
    [InlineData(new[] { 1, 4, 4 }, new[] { 2 }, "1-D avg_pool")]
    [InlineData(new[] { 1, 3, 8 }, new[] { 4, 2 }, "window 4 is larger than the input (3 positions)")]
    public void OutputShapeRejectsInputsItCannotTakeWithTheReason(int[] input, int[] window, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => Pool(window, window, Padding.Valid).OutputShape(input));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void StrideDefaultsToTheWindowAndPaddingToValid()
    {
        var pool = (AvgPoolLayer)Parse("""{"input_shape":[1,8,8],"layers":[{"type":"avg_pool","window":[2,4]},{"type":"flatten"},{"type":"dense","width":1}]}""").Layers[0];
        Assert.Equal([2, 4], pool.Stride);
        Assert.Equal(Padding.Valid, pool.Padding);
        var scalar = (AvgPoolLayer)Parse("""{"input_shape":[1,8,8],"layers":[{"type":"avg_pool","window":[3,3],"stride":2,"padding":"SAME"},{"type":"global_avg_pool"}]}""").Layers[0];
        Assert.Equal([2, 2], scalar.Stride);
        Assert.Equal(Padding.Same, scalar.Padding);
        var oneD = (AvgPoolLayer)Parse("""{"input_shape":[1,8],"layers":[{"type":"avg_pool","window":2,"stride":[1]},{"type":"flatten"}]}""").Layers[0];
        Assert.Equal([2], oneD.Window);
        Assert.Equal([1], oneD.Stride);
    }

    [Theory]
    [InlineData("""{"type":"avg_pool"}""", "layers[0].window", "is required")]
    [InlineData("""{"type":"avg_pool","window":[0,2]}""", "layers[0].window[0]", "at least 1")]
    [InlineData("""{"type":"avg_pool","window":[2,2,2]}""", "layers[0].window", "[k] (1-D) or [kh,kw] (2-D)")]
    [InlineData("""{"type":"avg_pool","window":"2x2"}""", "layers[0].window", "integer")]
    [InlineData("""{"type":"avg_pool","window":[2,2],"stride":[1,2,2]}""", "layers[0].stride", "2 entries like window")]
    [InlineData("""{"type":"avg_pool","window":[2,2],"stride":[0]}""", "layers[0].stride[0]", "at least 1")]
    [InlineData("""{"type":"avg_pool","window":[2,2],"padding":"circular"}""", "layers[0].padding", "not one of same, valid")]
    [InlineData("""{"type":"avg_pool","window":[2,2],"kernel":[2,2]}""", "layers[0].kernel", "unknown field")]
    [InlineData("""{"type":"avg_pool","window":[5,5]}""", "layers[0]", "larger than the input")]
    [InlineData("""{"type":"avg_pool","window":[2]}""", "layers[0]", "1-D avg_pool")]
    public void ABadFieldIsNamed(string layer, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Parse($$"""{"input_shape":[1,4,4],"layers":[{{layer}},{"type":"flatten"},{"type":"dense","width":1}]}"""));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
        Assert.Equal($"a.json: {field}: {e.Reason}", e.Message);
    }

    [Theory]
    // x = (1, 2, 3, 4, 5). SAME with window 2 pads 0 before and 1 after; window 4 pads 1 before and 2 after (torch's own
    // symmetric padding cannot express these); window 3 pads 1 and 1. The divisor is always |window|.
    [InlineData(2, 1, "same", new[] { 1.5, 2.5, 3.5, 4.5, 2.5 })]
    [InlineData(2, 2, "same", new[] { 1.5, 3.5, 2.5 })]
    [InlineData(3, 1, "same", new[] { 1.0, 2, 3, 4, 3 })]
    [InlineData(4, 1, "same", new[] { 1.5, 2.5, 3.5, 3.0, 2.25 })]
    [InlineData(2, 2, "valid", new[] { 1.5, 3.5 })]
    [InlineData(3, 2, "valid", new[] { 2.0, 4.0 })]
    public void Forward1dEqualsTheHandComputation(int window, int stride, string padding, double[] expected)
    {
        // Channel 2 is 10·x: channels are pooled independently.
        using var scope = NewDisposeScope();
        var pool = Pool([window], [stride], padding == "same" ? Padding.Same : Padding.Valid);
        var x = tensor(new double[] { 1, 2, 3, 4, 5, 10, 20, 30, 40, 50 }, [1, 2, 5], ScalarType.Float64);
        var y = pool.Forward(new LayerContext(Parameterization.Ntk, [2, 5]), x, [], 0);
        Assert.Equal([1L, 2, expected.Length], y.shape);
        var values = y.data<double>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], values[i], FewUlps);
            Assert.Equal(10 * expected[i], values[expected.Length + i], 10 * FewUlps);
        }
    }

    [Fact]
    public void Forward2dEqualsTheHandComputationAtSameEdges()
    {
        // x = 1…9 in a 3×3 image. Window 2×2 SAME pads a row and a column of zeros after (none before); each sum is divided by 4.
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [1, 1, 3, 3], ScalarType.Float64);
        var context = new LayerContext(Parameterization.Ntk, [1, 3, 3]);
        void Check(double[] expected, AvgPoolLayer pool)
        {
            var actual = pool.Forward(context, x, [], 0).data<double>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], FewUlps);
        }

        Check([3, 4, 2.25, 6, 7, 3.75, 3.75, 4.25, 2.25], Pool([2, 2], [1, 1], Padding.Same));
        Check([3, 2.25, 3.75, 2.25], Pool([2, 2], [2, 2], Padding.Same));
        // 2×3 VALID: (1+…+6)/6 and (4+…+9)/6.
        Check([3.5, 6.5], Pool([2, 3], [1, 1], Padding.Valid));
    }

    [Theory]
    [InlineData(new[] { 2, 7 }, new[] { 4 }, new[] { 1 }, "same")]
    [InlineData(new[] { 2, 5, 6 }, new[] { 2, 2 }, new[] { 2, 2 }, "same")]
    [InlineData(new[] { 2, 5, 6 }, new[] { 3, 2 }, new[] { 1, 2 }, "valid")]
    public void ForwardIsLinearSoTheDefaultTangentAndJetApply(int[] shape, int[] window, int[] stride, string padding)
    {
        // The default Jvp and Jet apply the layer to tangents and Taylor coefficients, which is right exactly when the
        // layer is linear and parameter-free: g(a·u + b·v) = a·g(u) + b·g(v), to float64 round-off of O(1) sums (1e-14).
        using var scope = NewDisposeScope();
        var pool = Pool(window, stride, padding == "same" ? Padding.Same : Padding.Valid);
        var context = new LayerContext(Parameterization.Ntk, shape);
        using var generator = new Generator(5);
        long[] batch = [3, .. shape.Select(n => (long)n)];
        var u = randn(batch, ScalarType.Float64, generator: generator);
        var v = randn(batch, ScalarType.Float64, generator: generator);
        var combined = pool.Forward(context, 0.7 * u - 1.9 * v, [], 0);
        var separate = 0.7 * pool.Forward(context, u, [], 0) - 1.9 * pool.Forward(context, v, [], 0);
        Assert.True((combined - separate).abs().max().item<double>() < 1e-14);
        // The default Jvp is the layer applied to the point and to the tangent: the same computation, so exactly equal.
        var (output, tangent) = pool.Jvp(context, u, v, [], [], 0);
        Assert.Equal(0.0, (output - pool.Forward(context, u, [], 0)).abs().max().item<double>());
        Assert.Equal(0.0, (tangent! - pool.Forward(context, v, [], 0)).abs().max().item<double>());
    }

    [Theory]
    [InlineData(new[] { 1, 7 }, new[] { 2 }, new[] { 1 }, "same")]
    [InlineData(new[] { 1, 7 }, new[] { 2 }, new[] { 2 }, "same")]
    [InlineData(new[] { 1, 7 }, new[] { 4 }, new[] { 1 }, "same")]
    [InlineData(new[] { 1, 7 }, new[] { 3 }, new[] { 2 }, "valid")]
    [InlineData(new[] { 1, 5, 6 }, new[] { 2, 2 }, new[] { 2, 2 }, "same")]
    [InlineData(new[] { 1, 5, 4 }, new[] { 3, 2 }, new[] { 1, 2 }, "same")]
    [InlineData(new[] { 1, 5, 6 }, new[] { 2, 3 }, new[] { 1, 1 }, "valid")]
    public void KernelStepIsThePoolingMatrixAppliedOnBothSides(int[] shape, int[] window, int[] stride, string padding)
    {
        // For a linear map y = P·a of Gaussian fields, Cov(y) = P·Cov(a)·Pᵀ exactly, and likewise Θ (the Jacobian of y is
        // P times that of a). P is read off the forward pass itself (its columns are the outputs of the unit images), so this
        // checks the kernel map against what the network computes, edges and even windows included.
        var pool = Pool(window, stride, padding == "same" ? Padding.Same : Padding.Valid);
        var context = new LayerContext(Parameterization.Ntk, shape);
        var p = PoolingMatrix(pool, context);
        int positions = context.InputPositions, outPositions = p.RowCount;
        var random = new Random(3);
        var k = RandomCovariance(positions, random);
        var theta = RandomCovariance(positions, random);

        var plan = new KernelPlan(fullSpatial: true, spatialInput: true, positions);
        var step = pool.KernelStep(context, plan);
        var state = new KernelState(plan.BufferSize, full: true);
        state.StartSpatial(positions, [], 0, [], 0, self: false);
        state.ThetaZero = false;
        for (int i = 0; i < positions; i++)
        for (int j = 0; j < positions; j++)
        {
            state.K[i * positions + j] = k[i, j];
            state.Theta[i * positions + j] = theta[i, j];
        }

        step(state);
        Assert.Equal(outPositions, state.Positions);
        Assert.Equal(Product(pool.OutputShape(shape).Skip(1)), outPositions);
        var expectedK = p * k * p.Transpose();
        var expectedTheta = p * theta * p.Transpose();
        for (int i = 0; i < outPositions; i++)
        for (int j = 0; j < outPositions; j++)
        {
            Assert.Equal(expectedK[i, j], state.K[i * outPositions + j], KernelRoundOff);
            Assert.Equal(expectedTheta[i, j], state.Theta[i * outPositions + j], KernelRoundOff);
        }
    }

    [Fact]
    public void KernelStepNeedsTheFullSpatialCovariance()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Pool([2], [2], Padding.Valid).KernelStep(new LayerContext(Parameterization.Ntk, [1, 4]), new KernelPlan(false, true, 4)));
        Assert.Contains("full spatial covariance", e.Message);
    }

    [Theory]
    // Without random layers before the readout, the finite network's NNGP, w²/fan_in·a(x)·a(x') + b², is the analytic one
    // exactly: the analytic map must then hand flatten, global_avg_pool and a second avg_pool the right number of positions.
    [InlineData("""[2,7]""", """{"type":"avg_pool","window":[2],"stride":[1],"padding":"same"},{"type":"flatten"}""")]
    [InlineData("""[2,7]""", """{"type":"avg_pool","window":[3],"stride":[2]},{"type":"avg_pool","window":[2],"padding":"same"},{"type":"global_avg_pool"}""")]
    [InlineData("""[3,5,6]""", """{"type":"avg_pool","window":[2,2],"padding":"same"},{"type":"flatten"}""")]
    [InlineData("""[3,5,6]""", """{"type":"avg_pool","window":[2,3],"stride":[1,1]},{"type":"avg_pool","window":[2,2],"stride":1,"padding":"same"},{"type":"global_avg_pool"}""")]
    public void APoolingReadoutHasTheAnalyticNngpOfItsFeatures(string inputShape, string layers)
    {
        var arch = Parse($$"""{"input_shape":{{inputShape}},"layers":[{{layers}},{"type":"dense","width":1,"w_std":1.3,"b_std":0.2}]}""");
        var x = TestInputs.Uniform(4, arch.InputSize, seed: 9);
        var analytic = AnalyticKernels.Compute(arch, x);
        var finite = EmpiricalKernels.Compute(arch, 1, TensorSettings.CpuFloat64, x, null, NtkMethod.Structured, perLayer: false);
        // The same O(1) sums in different orders (pooling before or after the products): float64 round-off, 1e-12.
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(finite.Nngp[i, j], analytic.Nngp[i, j], KernelRoundOff);
            Assert.Equal(finite.Ntk.Averaged[i, j], analytic.Ntk[i, j], KernelRoundOff);
        }
    }

    /// <summary>
    /// A CNN whose pools feed a conv and a flatten: SAME with an even window at stride 1 (padded edges), then VALID at stride 2.
    /// </summary>
    private static ArchitectureSpec PoolingCnn(int channels) => Parse($$"""
        {"input_shape":[2,6,6],"layers":[
          {"type":"conv","channels":{{channels}},"kernel":[3,3],"padding":"same","w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"avg_pool","window":[2,2],"stride":[1,1],"padding":"same"},
          {"type":"conv","channels":{{channels}},"kernel":[2,2],"padding":"valid","w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"avg_pool","window":[2,2]},{"type":"flatten"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}
        """);

    [Fact]
    public void TheMeanFiniteWidthKernelsLieWithin5PercentOfTheAnalyticOnes()
    {
        // At 1024 channels a draw's kernel entries fluctuate by O(1/√n) (5–7% of each entry here), so the mean of 24 draws
        // has a standard error of 1.1–1.3%, and the finite-width bias is O(1/n) ≈ 0.1%: 5% is about 4 standard errors
        // (measured gaps: at most 1.1%). The 4σ band is asserted too; the 5% bound keeps the check meaningful if the noise grew.
        var arch = PoolingCnn(1024);
        var x = TestInputs.Uniform(3, arch.InputSize, seed: 4);
        var analytic = AnalyticKernels.Compute(arch, x);
        var mc = MonteCarloKernels.Estimate(arch, x, null, samples: 24, firstSeed: 200);
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        {
            Assert.True(analytic.Nngp[i, j] > 0 && analytic.Ntk[i, j] > 0); // ReLU features with b_std > 0: relative gaps are defined
            Assert.InRange(mc.NngpMean[i, j], 0.95 * analytic.Nngp[i, j], 1.05 * analytic.Nngp[i, j]);
            Assert.InRange(mc.NtkMean[i, j], 0.95 * analytic.Ntk[i, j], 1.05 * analytic.Ntk[i, j]);
            Assert.InRange(analytic.Nngp[i, j], mc.NngpMean[i, j] - 4 * mc.NngpStandardError[i, j], mc.NngpMean[i, j] + 4 * mc.NngpStandardError[i, j]);
            Assert.InRange(analytic.Ntk[i, j], mc.NtkMean[i, j] - 4 * mc.NtkStandardError[i, j], mc.NtkMean[i, j] + 4 * mc.NtkStandardError[i, j]);
        }
    }

    private static Matrix<double> PoolingMatrix(AvgPoolLayer pool, LayerContext context)
    {
        using var scope = NewDisposeScope();
        int positions = context.InputPositions;
        var units = eye(positions, dtype: ScalarType.Float64).reshape([positions, .. context.InputShape.Select(n => (long)n)]);
        var columns = pool.Forward(context, units, [], 0).reshape(positions, -1);
        var values = columns.data<double>().ToArray();
        int outPositions = (int)columns.shape[1];
        return Matrix<double>.Build.Dense(outPositions, positions, (o, i) => values[i * outPositions + o]);
    }

    private static Matrix<double> RandomCovariance(int n, Random random)
    {
        var a = Matrix<double>.Build.Dense(n, n + 2, (_, _) => 2 * random.NextDouble() - 1);
        return a * a.Transpose() / (n + 2);
    }

    private static int Product(IEnumerable<int> shape) => shape.Aggregate(1, (a, n) => a * n);
}
