using LinearizationLab.Architecture;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Networks;

[Collection("TorchSharp")]
public class NetworkTests
{
    private static readonly TensorSettings F64 = TensorSettings.CpuFloat64;

    private static long[] OutputShape(string json, int batch = 3)
    {
        var spec = Arch.Parse(json);
        using var net = Network.Create(spec, 0, F64);
        using var x = randn([batch, .. spec.InputShape.Select(n => (long)n)], ScalarType.Float64);
        using var f = net.Forward(x);
        return f.shape;
    }

    [Theory]
    [InlineData("""{"input_shape":[5],"layers":[{"type":"dense","width":7},{"type":"relu"},{"type":"dense","width":2}]}""", 2)]
    [InlineData("""{"input_shape":[5],"layers":[{"type":"dense","width":7},{"type":"erf"},{"type":"dense","width":7},{"type":"tanh"},{"type":"dense","width":3},{"type":"identity"}]}""", 3)]
    [InlineData("""{"input_shape":[2,9],"layers":[{"type":"conv","channels":4,"kernel":[3],"padding":"same"},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":2}]}""", 2)]
    [InlineData("""{"input_shape":[2,9],"layers":[{"type":"conv","channels":4,"kernel":3,"stride":2,"padding":"circular"},{"type":"erf"},{"type":"global_avg_pool"},{"type":"dense","width":1}]}""", 1)]
    [InlineData("""{"input_shape":[1,6,5],"layers":[{"type":"conv","channels":3,"kernel":[3,2],"padding":"same"},{"type":"relu"},{"type":"conv","channels":3,"kernel":[2,2],"stride":[2,2],"padding":"valid"},{"type":"flatten"},{"type":"dense","width":4}]}""", 4)]
    [InlineData("""{"input_shape":[3,7,7],"layers":[{"type":"conv","channels":5,"kernel":[3,3],"stride":2,"padding":"circular"},{"type":"tanh"},{"type":"global_avg_pool"}]}""", 5)]
    public void Output_shape_is_batch_by_outputs(string json, int outputs) =>
        Assert.Equal([3L, outputs], OutputShape(json));

    [Fact]
    public void ConvOutputMatchesSpecShapes1dAnd2d()
    {
        // Every intermediate shape the spec predicts is what the tensors have.
        var spec = Arch.Parse("""
            {"input_shape":[2,11,9],"layers":[
            {"type":"conv","channels":4,"kernel":[3,3],"stride":2,"padding":"same"},{"type":"relu"},
            {"type":"conv","channels":3,"kernel":[2,4],"padding":"valid"},{"type":"relu"},
            {"type":"conv","channels":2,"kernel":[2,2],"stride":[1,2],"padding":"circular"},
            {"type":"flatten"},{"type":"dense","width":1}]}
            """);
        using var net = Network.Create(spec, 1, F64);
        using var x = randn([2, 2, 11, 9], ScalarType.Float64);
        var a = x;
        for (int i = 0; i < net.Layers.Count; i++)
        {
            a = net.Layers[i].Forward(a, net.Parameters, net.ParameterOffset(i));
            Assert.Equal(spec.Shapes[i + 1].Select(n => (long)n).ToArray(), a.shape[1..]);
        }
    }

    [Fact]
    public void ParametersAreOrderedWeightThenBiasPerAffineLayer()
    {
        var spec = Arch.Parse("""{"input_shape":[1,6],"layers":[{"type":"conv","channels":4,"kernel":[3]},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":2}]}""");
        using var net = Network.Create(spec, 0, F64);
        Assert.Equal([[4L, 1, 3], [4L], [2L, 16], [2L]], net.Parameters.Select(p => p.shape).ToArray());
        Assert.Equal(12 + 4 + 32 + 2, net.ParameterCount);
        Assert.Equal(net.ParameterCount, spec.ParameterCount);
        Assert.All(net.Parameters, p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void TraceRecordsInputAndOutputOfEachParameterUnit()
    {
        using var net = Network.Create(Arch.Mlp(4, [6, 5], 2), 0, F64);
        using var x = randn([3, 4], ScalarType.Float64);
        var trace = new ForwardTrace();
        var f = net.Forward(x, net.Parameters, trace);
        Assert.Equal([0, 2, 4], trace.Units.Select(l => l.Unit.Offset).ToArray());
        Assert.Equal(net.ParameterUnits, trace.Units.Select(l => l.Unit).ToArray());
        Assert.Same(x, trace.Units[0].Input);
        Assert.Equal(f.data<double>().ToArray(), trace.Units[2].Output.data<double>().ToArray());
        // The readout's input is relu of the previous pre-activation (tolerances 0: relu is exact in float64).
        Assert.True(trace.Units[2].Input.allclose(nn.functional.relu(trace.Units[1].Output), 0, 0));
    }

    [Fact]
    public void SameSeedGivesSameParametersAndFloat32MatchesFloat64Init()
    {
        var spec = Arch.Mlp(4, [16], 1);
        using var a = Network.Create(spec, 42, F64);
        using var b = Network.Create(spec, 42, F64);
        using var c = Network.Create(spec, 43, F64);
        using var single = Network.Create(spec, 42, new TensorSettings(ScalarType.Float32, CPU));
        for (int i = 0; i < a.Parameters.Count; i++)
        {
            Assert.True(a.Parameters[i].eq(b.Parameters[i]).all().ToBoolean());
            Assert.False(a.Parameters[i].eq(c.Parameters[i]).all().ToBoolean());
            Assert.Equal(ScalarType.Float32, single.Parameters[i].dtype);
            // float32 rounding of the same float64 draws: relative error ≤ 2^-24.
            Assert.True(single.Parameters[i].to(ScalarType.Float64).allclose(a.Parameters[i], rtol: 6e-8, atol: 0));
        }
    }

    [Fact]
    public void NtkParameterizationOutputVarianceMatchesTheReluRecursion()
    {
        // Depth-2 ReLU MLP, NTK parameterization. For a centred Gaussian u, E[relu(u)²] = Var(u)/2, so
        //   q1 = w²·x·x/d + b², q2 = w²·q1/2 + b², Var f = w²·q2/2 + b².
        // These hold in expectation at any width (relu² is 2-homogeneous), so the Monte Carlo mean of f²
        // over seeds must match within its standard error.
        const double w = 1.4, b = 0.3;
        const int seeds = 600, d = 8;
        var spec = Arch.Mlp(d, [512, 512], 1, wStd: w, bStd: b);
        var xs = Enumerable.Range(0, d).Select(i => Math.Cos(i + 1.0)).ToArray();
        using var x = tensor(xs, [1, d], ScalarType.Float64);
        double q1 = w * w * xs.Sum(v => v * v) / d + b * b;
        double q2 = w * w * q1 / 2 + b * b;
        double expected = w * w * q2 / 2 + b * b;

        var squares = new double[seeds];
        for (int s = 0; s < seeds; s++)
        {
            using var scope = NewDisposeScope();
            using var net = Network.Create(spec, 1000 + s, F64);
            using var noGrad = no_grad();
            double f = net.Forward(x).ToDouble();
            squares[s] = f * f;
        }
        double mean = squares.Average();
        double se = Math.Sqrt(squares.Select(v => (v - mean) * (v - mean)).Sum() / (seeds - 1) / seeds);
        Assert.InRange(expected, mean - 4 * se, mean + 4 * se);   // 4 standard errors
    }

    [Fact]
    public void StandardParameterizationHasTheSameFunctionDistributionAtInit()
    {
        // Standard parameterization draws W ~ N(0, w²/fan_in) and multiplies by 1, NTK draws N(0,1) and
        // multiplies by w/√fan_in: the same generator draws give the same function at init.
        var ntk = Arch.Mlp(6, [32], 2, parameterization: "ntk");
        var std = Arch.Mlp(6, [32], 2, parameterization: "standard");
        using var a = Network.Create(ntk, 7, F64);
        using var b = Network.Create(std, 7, F64);
        using var x = randn([5, 6], ScalarType.Float64);
        using var noGrad = no_grad();
        // w·N(0,1)/√fan_in vs N(0, w²/fan_in) multiplied out: the same values rounded differently, a few ulps per
        // layer (rtol 1e-12); atol 1e-14 covers outputs that cancel to near 0.
        Assert.True(a.Forward(x).allclose(b.Forward(x), rtol: 1e-12, atol: 1e-14));
    }
}
