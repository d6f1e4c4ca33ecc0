using LinearizationLab.Layers;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

[Collection("TorchSharp")]
public class TaylorizedNetworkTests
{
    /// <summary>
    /// Smooth networks (erf, tanh; an MLP, a CNN with pooling, layer_norm with gains, a residual block with a projection) on
    /// which Taylor remainders are clean powers of s.
    /// </summary>
    public static TheoryData<string, int> SmoothNetworksAndOrders()
    {
        var data = new TheoryData<string, int>();
        string cnn = """{"input_shape":[3,8],"parameterization":"standard","layers":[{"type":"conv","channels":5,"kernel":[3],"padding":"circular","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"conv","channels":4,"kernel":[2],"padding":"valid","w_std":1.2,"b_std":0.3},{"type":"tanh"},{"type":"global_avg_pool"},{"type":"dense","width":1}]}""";
        string layerNorm = """{"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.5,"b_std":0.3},{"type":"erf"},{"type":"layer_norm","epsilon":0.01},{"type":"channel_affine"},{"type":"dense","width":12,"w_std":1.5,"b_std":0.3},{"type":"layer_norm"},{"type":"erf"},{"type":"dense","width":2,"w_std":1.2,"b_std":0.2}]}""";
        foreach (int k in new[] { 1, 2, 3 })
        {
            data.Add(Mlp("erf", 2, 3), k);
            data.Add(Mlp("tanh", 3, 1, "standard"), k);
            data.Add(cnn, k);
            data.Add(layerNorm, k);
            data.Add(BlockMlps[1], k);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SmoothNetworksAndOrders))]
    public void TheTaylorRemainderShrinksLikeTheNextPower(string json, int order)
    {
        // f_k(θ0 + sΔ) − f(θ0 + sΔ) = O(s^(k+1)): the fitted log-log slope over s = 0.04 … 0.005 is k + 1. The next term
        // of the series bends the fit by at most a few hundredths over this range; ±0.2 separates k + 1 from k and k + 2.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        using var taylor = new TaylorizedNetwork(network, order);
        var x = Inputs(spec, 6, 4);
        var delta = Direction(network, 11);
        double[] steps = [0.04, 0.02, 0.01, 0.005];
        using var noGrad = no_grad();
        var errors = steps.Select(s =>
        {
            var scaled = delta.Select(d => d * s).ToArray();
            var exact = network.Forward(x, network.Parameters.Select((p, i) => p + scaled[i]).ToArray());
            return (taylor.Forward(x, scaled) - exact).norm().ToDouble();
        }).ToArray();
        var (slope, _) = ScalingFit.LeastSquares(steps.Select(s => Math.Log(s)).ToArray(), errors.Select(e => Math.Log(e)).ToArray());
        Assert.InRange(slope, order + 1 - 0.2, order + 1 + 0.2);
    }

    [Theory]
    [MemberData(nameof(EmpiricalNtkTests.Mlps), MemberType = typeof(EmpiricalNtkTests))]
    [MemberData(nameof(EmpiricalNtkTests.Cnns), MemberType = typeof(EmpiricalNtkTests))]
    public void OrderOneIsTheLinearization(string json)
    {
        // The same tangent map by the jet and by LinearizedNetwork's Jvp: equal up to round-off at any Δθ.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 8, TensorSettings.CpuFloat64);
        using var taylor = new TaylorizedNetwork(network, 1);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 4, 5);
        var delta = Direction(network, 6);
        using var noGrad = no_grad();
        var expected = lin.Forward(x, network.Parameters.Select((p, i) => p + delta[i]).ToArray());
        Assert.True((taylor.Forward(x, delta) - expected).norm().ToDouble() <= 1e-13 * expected.norm().ToDouble());
    }

    public static TheoryData<string, int> MlpsAndOrders()
    {
        var data = new TheoryData<string, int>();
        foreach (int k in new[] { 1, 2, 3 })
        {
            data.Add(Mlp("erf", 2, 3), k);
            data.Add(Mlp("tanh", 3, 1, "standard"), k);
            data.Add(Mlp("relu", 2, 2), k);
            data.Add(Mlp("identity", 2, 1), k);
            foreach (var block in BlockMlps) data.Add(block, k);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MlpsAndOrders))]
    public void TheHandWrittenJetAndItsTransposeAreAutogradsOnTheSameJet(string json, int order)
    {
        // The stacked hand-written passes (JetInto/JetBackprop) against Network.Jet and autograd: the same sums in another
        // order, so round-off only, at a Δθ of order 1 and for a second batch through the cached point.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 6, TensorSettings.CpuFloat64);
        using var taylor = new TaylorizedNetwork(network, order);
        using (var noGrad = no_grad())
            foreach (var (d, u) in taylor.Parameters.Zip(Direction(network, 4))) d.copy_(u * 0.3);
        var x = Inputs(spec, 5, 8);
        using var gen = new Generator(2);
        var delta = randn([5, spec.OutputCount], ScalarType.Float64, CPU, generator: gen);
        Tensor[] expected;
        Tensor f;
        using (var grad = enable_grad())
        {
            f = taylor.Forward(x);
            expected = autograd.grad([(f * delta).sum()], taylor.Parameters.ToArray()).Select(t => t.detach()).ToArray();
        }
        foreach (bool sameBatch in new[] { false, true })
        {
            using var sink = new GradientAccumulator(taylor.Parameters);
            using var noGrad = no_grad();
            var handWritten = taylor.ForwardForBackprop(x, sameBatch);
            Assert.True((handWritten - f).norm().ToDouble() <= 1e-13 * f.norm().ToDouble());
            taylor.Backprop(delta.clone(), sink);
            for (int i = 0; i < expected.Length; i++)
                Assert.True((sink.Gradients[i] - expected[i]).norm().ToDouble() <= 1e-12 * (expected[i].norm().ToDouble() + 1e-300),
                    $"parameter tensor {i}: |Δ| = {(sink.Gradients[i] - expected[i]).norm().ToDouble():G3}");
        }
    }

    [Fact]
    public void ANetworkWithoutHandWrittenPassesTrainsItsTaylorModelThroughAutograd()
    {
        // A CNN with pooling takes the autograd path (graph through Network.Jet, point cached across steps): three GD steps
        // through the Trainer equal three steps of Δθ ← Δθ − η·∇_Δθ L(f_2) written out with autograd.grad (round-off).
        var spec = Spec("""{"input_shape":[2,6],"layers":[{"type":"conv","channels":4,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"tanh"},{"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}""");
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        Assert.False(network.SupportsBackprop);
        var x = Inputs(spec, 5, 1);
        var y = Inputs(spec, 5, 2).flatten(1).narrow(1, 0, 2);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, y);
        const double Rate = 0.3;
        using var trained = new TaylorizedNetwork(network, 2);
        new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(Rate), 3, [3], 0)).Train(trained, data);
        using var manual = new TaylorizedNetwork(network, 2);
        for (int step = 0; step < 3; step++)
        {
            Tensor[] gradient;
            using (var grad = enable_grad())
                gradient = autograd.grad([new MeanSquaredError().Value(manual.Forward(x), y, null)], manual.Parameters.ToArray())
                    .Select(g => g.detach()).ToArray();
            using var noGrad = no_grad();
            for (int i = 0; i < gradient.Length; i++) manual.Parameters[i].sub_(gradient[i] * Rate);
        }
        for (int i = 0; i < manual.Parameters.Count; i++)
            Assert.True((trained.Parameters[i] - manual.Parameters[i]).abs().max().ToDouble() < 1e-13);
    }


    [Fact]
    public void TrainedOrderOneFollowsTheLinearizationsIterates()
    {
        // Autograd through the jet (TaylorizedNetwork) and the hand-written tangent/transpose passes (LinearizedNetwork)
        // compute the same gradients; 40 GD steps at η = 0.5 keep them within round-off amplified by the iteration.
        var spec = Spec(Mlp("erf", 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 2, TensorSettings.CpuFloat64);
        using var taylor = new TaylorizedNetwork(network, 1);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 8, 1);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, Inputs(spec, 8, 2).narrow(1, 0, 2));
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.5), 40, [40], 0);
        new Trainer(options).Train(taylor, data);
        new Trainer(options).Train(lin, data);
        using var noGrad = no_grad();
        var expected = lin.Forward(x);
        Assert.True((taylor.Forward(x) - expected).norm().ToDouble() <= 1e-11 * expected.norm().ToDouble());
        for (int i = 0; i < taylor.Parameters.Count; i++)
            Assert.True((taylor.Parameters[i] - lin.Parameters[i]).abs().max().ToDouble() < 1e-12);
    }

    [Fact]
    public void ADeepLinearNetworkIsExactAtItsDegree()
    {
        // With φ = identity and three affine layers f is a polynomial of degree 3 in θ: f_3 is f itself at any Δθ, however
        // large (round-off only), while f_2 misses the cubic term D³f[Δθ³]/6, of order 1 for Δθ of order 1.
        var spec = Spec(Mlp("identity", 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 1, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 5, 2);
        var delta = Direction(network, 3);
        using var noGrad = no_grad();
        var exact = network.Forward(x, network.Parameters.Select((p, i) => p + delta[i]).ToArray());
        using var third = new TaylorizedNetwork(network, 3);
        using var second = new TaylorizedNetwork(network, 2);
        Assert.True((third.Forward(x, delta) - exact).norm().ToDouble() <= 1e-13 * exact.norm().ToDouble());
        Assert.True((second.Forward(x, delta) - exact).norm().ToDouble() > 1e-2 * exact.norm().ToDouble());
    }

    [Fact]
    public void TheSecondOrderJacobianIsAffineInTheDisplacementWithTheHessianAsSlope()
    {
        // f_2 = f0 + J0Δ + ½ΔᵀHΔ, so g(Δ) = ∇_Δ⟨c, f_2(Δ)⟩ = J0ᵀc + H_c·Δ with H_c = ∇²⟨c, f⟩(θ0): g(Δ) − g(0) is the
        // network's Hessian-vector product (double backward), and is linear in Δ. f_3's is not (its gradient is quadratic).
        var spec = Spec(Mlp("tanh", 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 5, TensorSettings.CpuFloat64);
        using var second = new TaylorizedNetwork(network, 2);
        using var third = new TaylorizedNetwork(network, 3);
        var x = Inputs(spec, 4, 7);
        using var gen = new Generator(9);
        var c = randn([4, 2], ScalarType.Float64, CPU, generator: gen);
        var d1 = Direction(network, 12);
        var d2 = Direction(network, 13);
        var zero = d1.Select(d => zeros_like(d)).ToArray();
        var sum = d1.Select((d, i) => d + d2[i]).ToArray();
        Tensor[] G(TaylorizedNetwork model, Tensor[] delta)
        {
            using var grad = enable_grad();
            var leaves = delta.Select(d => d.detach().requires_grad_(true)).ToArray();
            return autograd.grad([(model.Forward(x, leaves) * c).sum()], leaves).Select(t => t.detach()).ToArray();
        }
        double Norm(IEnumerable<Tensor> ts) => Math.Sqrt(ts.Sum(t => t.square().sum().ToDouble()));
        var (g0, g1, g2, g12) = (G(second, zero), G(second, d1), G(second, d2), G(second, sum));
        Assert.True(Norm(g12.Select((g, i) => g - g1[i] - g2[i] + g0[i])) <= 1e-12 * Norm(g1));

        Tensor[] Hvp(Tensor[] v)
        {
            using var grad = enable_grad();
            var theta = network.Parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
            var gradient = autograd.grad([(network.Forward(x, theta) * c).sum()], theta, retain_graph: true, create_graph: true);
            var dot = gradient.Select((g, i) => (g * v[i]).sum()).Aggregate((a, b) => a + b);
            // The last bias enters f linearly and alone, so it has no second derivative (an unused input).
            return autograd.grad([dot], theta, allow_unused: true)
                .Select((t, i) => t is { IsInvalid: false } ? t.detach() : zeros_like(theta[i])).ToArray();
        }
        var hessian = Hvp(d1);
        Assert.True(Norm(g1.Select((g, i) => g - g0[i] - hessian[i])) <= 1e-12 * Norm(hessian));

        var (t0, t1, t2, t12) = (G(third, zero), G(third, d1), G(third, d2), G(third, sum));
        Assert.True(Norm(t12.Select((g, i) => g - t1[i] - t2[i] + t0[i])) > 1e-3 * Norm(t1));
    }

    [Theory]
    [MemberData(nameof(EmpiricalNtkTests.Mlps), MemberType = typeof(EmpiricalNtkTests))]
    [MemberData(nameof(EmpiricalNtkTests.Cnns), MemberType = typeof(EmpiricalNtkTests))]
    public void AtTheExpansionPointEveryOrderHasTheNetworksKernel(string json)
    {
        // J_k(0) = J0 for every k, and f_1's kernel is J0J0ᵀ at every Δθ: the structured sum over Taylor orders reduces to
        // the structured NTK (round-off).
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 7, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 5, 1);
        var expected = StructuredNtk(network, x);
        var delta = Direction(network, 2);
        foreach (int k in new[] { 1, 2, 3 })
        {
            using var taylor = new TaylorizedNetwork(network, k);
            Assert.True((taylor.Ntk(x) - expected).norm().ToDouble() <= 1e-12 * expected.norm().ToDouble());
        }
        using var first = new TaylorizedNetwork(network, 1);
        Assert.True((first.Ntk(x, delta) - expected).norm().ToDouble() <= 1e-12 * expected.norm().ToDouble());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void TheTaylorModelsKernelMatchesTheNetworksToItsOrder(int order)
    {
        // J_k(sΔ) is the Taylor polynomial of J(θ0 + sΔ) of degree k − 1, so Θ̂_k(sΔ) − Θ̂(θ0 + sΔ) = O(s^k), while the
        // network's own kernel moves by O(s). Fitted slopes over s = 0.04 … 0.005, with the margin of the output test.
        var spec = Spec(Mlp("erf", 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        using var taylor = new TaylorizedNetwork(network, order);
        var x = Inputs(spec, 5, 3);
        var delta = Direction(network, 8);
        var theta0 = network.Parameters.Select(p => p.detach()).ToArray();
        var initial = StructuredNtk(network, x);
        double[] steps = [0.04, 0.02, 0.01, 0.005];
        var gaps = new List<double>();
        var moves = new List<double>();
        foreach (double s in steps)
        {
            var scaled = delta.Select(d => d * s).ToArray();
            var moved = StructuredNtk(network, x, theta0.Select((p, i) => p + scaled[i]).ToArray());
            gaps.Add((taylor.Ntk(x, scaled) - moved).norm().ToDouble());
            moves.Add((moved - initial).norm().ToDouble());
        }
        var logS = steps.Select(s => Math.Log(s)).ToArray();
        Assert.InRange(ScalingFit.LeastSquares(logS, gaps.Select(e => Math.Log(e)).ToArray()).Slope, order - 0.2, order + 0.2);
        Assert.InRange(ScalingFit.LeastSquares(logS, moves.Select(e => Math.Log(e)).ToArray()).Slope, 0.8, 1.2);
    }

    [Fact]
    public void HigherOrdersTrackTheTrainedNetworkCloser()
    {
        // Trained side by side from θ0 (erf MLP of width 256, 16 unit-norm inputs, GD at 0.05·η_crit). Early on each order
        // adds a power of the step: after 5 steps ‖f − f_2‖ < ½‖f − f_1‖ (measured 0.22×). Later f_2 loses its edge — the
        // third derivative it drops is of the same order 1/n as the Hessian it keeps — while f_3 keeps every O(1/n) term:
        // after 60 steps ‖f − f_3‖ < 0.1·‖f − f_1‖ (measured 0.013×).
        var spec = Spec(Mlp("erf", 2, 1).Replace("\"width\":12", "\"width\":256"));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 16, 4);
        x = x / x.norm(1, true);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, Inputs(spec, 16, 5).narrow(1, 0, 1));
        double rate = 0.05 * CriticalLearningRate.Of(new EmpiricalNtk(network), x);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(rate), 60, [5, 60], 0);
        var outputs = new Dictionary<(int Order, int Step), Tensor>();
        void Record(int order, ITrainableModel model)
        {
            new Trainer(options).Train(model, data, (record, _, m) =>
            {
                using var noGrad = no_grad();
                outputs[(order, record.Step)] = m.Forward(x).detach().MoveToOuterDisposeScope();
            });
        }
        foreach (int k in new[] { 1, 2, 3 })
        {
            using var taylor = new TaylorizedNetwork(network, k);
            Record(k, taylor);
        }
        Record(0, network);
        double Gap(int order, int step) => (outputs[(order, step)] - outputs[(0, step)]).norm().ToDouble();
        Assert.True(Gap(2, 5) < 0.5 * Gap(1, 5), $"after 5 steps ‖f − f_2‖ = {Gap(2, 5):G3}, ‖f − f_1‖ = {Gap(1, 5):G3}");
        Assert.True(Gap(3, 60) < 0.1 * Gap(1, 60), $"after 60 steps ‖f − f_3‖ = {Gap(3, 60):G3}, ‖f − f_1‖ = {Gap(1, 60):G3}");
    }

    /// <summary>A seeded standard-normal direction in parameter space, shaped like θ.</summary>
    internal static Tensor[] Direction(Network network, ulong seed)
    {
        using var g = new Generator(seed);
        return network.Parameters.Select(p => randn(p.shape, ScalarType.Float64, CPU, generator: g)).ToArray();
    }
}
