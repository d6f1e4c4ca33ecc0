using LinearizationLab.Empirical;
using LinearizationLab.Linearization;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

[Collection("TorchSharp")]
public class LinearizedNetworkTests
{
    [Fact]
    public void JvpMatchesCentralFiniteDifference()
    {
        var spec = Spec(Mlp("erf", 2, 3));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 5, 1);
        using var g = new Generator(17);
        var u = network.Parameters.Select(p => randn(p.shape, ScalarType.Float64, CPU, generator: g)).ToArray();
        var (_, jvp) = lin.Jvp(x, u);
        const double Eps = 1e-4;
        using var noGrad = no_grad();
        var plus = network.Forward(x, network.Parameters.Select((p, i) => p + u[i] * Eps).ToArray());
        var minus = network.Forward(x, network.Parameters.Select((p, i) => p - u[i] * Eps).ToArray());
        var fd = (plus - minus) / (2 * Eps);
        // Central differences err by ε²/6·f''' ≈ 1e-9 relative for these smooth O(1) functions, plus round-off
        // ≈ 1e-16/ε = 1e-12; 1e-7 leaves a wide margin.
        Assert.True((jvp - fd).norm().ToDouble() < 1e-7 * jvp.norm().ToDouble());
    }

    [Theory]
    [MemberData(nameof(EmpiricalNtkTests.Mlps), MemberType = typeof(EmpiricalNtkTests))]
    [MemberData(nameof(EmpiricalNtkTests.Cnns), MemberType = typeof(EmpiricalNtkTests))]
    public void ForwardModeJvpOfTheVjpIsTheNtkVectorProduct(string json)
    {
        // Θ̂v = J(Jᵀv): Jᵀv by reverse mode, J· by the network's forward-mode tangents, against EmpiricalNtk.Apply,
        // which takes the J· by double backward. Two independent derivations of the same sums: round-off only.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 8, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 4, 5);
        using var g = new Generator(3);
        var v = randn([4, spec.OutputCount], ScalarType.Float64, CPU, generator: g);
        var leaves = network.Parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var u = autograd.grad([network.Forward(x, leaves)], leaves, [v]).Select(t => t.detach()).ToArray();
        var (_, forwardMode) = network.Jvp(x, network.Parameters, u);
        var doubleBackward = new EmpiricalNtk(network).Apply(x, null, v);
        Assert.True((forwardMode - doubleBackward).norm().ToDouble() <= 1e-12 * doubleBackward.norm().ToDouble());
    }

    [Fact]
    public void AtInitializationTheLinearizationEqualsTheNetwork()
    {
        var spec = Spec(Mlp("relu", 2, 3));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 5, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 6, 2);
        // f_lin(θ0) = f(θ0) + J0·0 and J0·0 is exactly 0, so the outputs agree bit for bit.
        Assert.True(lin.Forward(x).eq(network.Forward(x)).all().ToBoolean());
    }

    [Fact]
    public void ForANetworkLinearInItsParametersTrainingGivesTheSameModel()
    {
        var spec = Spec("""{"input_shape":[4],"layers":[{"type":"dense","width":2,"w_std":1.3,"b_std":0.4}]}""");
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 6, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 5, 3);
        var y = Inputs(spec, 5, 4).narrow(1, 0, 2);
        using var data = TrainingDataOf(x, y);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.3, Momentum: 0.5), 25, [25], 0);
        new Trainer(options).Train(network, data);
        new Trainer(options).Train(lin, data);
        using var noGrad = no_grad();
        // f is affine in θ, so f_lin ≡ f and both follow the same iterates; only round-off differs.
        Assert.True((lin.Forward(x) - network.Forward(x)).abs().max().ToDouble() < 1e-12);
        for (int i = 0; i < lin.Parameters.Count; i++)
            Assert.True((lin.CurrentParameters()[i] - network.Parameters[i]).abs().max().ToDouble() < 1e-12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.05)]
    public void WeightDecayTowardInitializationConvergesToKernelRidgeRegressionWithTheEmpiricalNtk(double lambda)
    {
        // L(Δθ) = (1/2N)·‖f0 + J0·Δθ − Y‖² + (λ/2)·‖Δθ‖² (½·mean MSE over N examples, decay toward θ0). Its stationary point has
        // λ·Δθ = −(1/N)·J0ᵀr with r = f0 + J0·Δθ − Y, so Δθ = J0ᵀc with c = −r/(Nλ); substituting, (Θ̂0 + Nλ·I)·c = Y − f0(X), and
        // f(x*) = f0(x*) + Θ̂0(x*, X)·(Θ̂0 + Nλ·I)⁻¹·(Y − f0(X)): kernel ridge regression with Θ̂0 and ridge Nλ, on the residual of
        // the initial function. Gradient descent at η = 1/(λ_max(Θ̂0)/N + λ) contracts the error at least by 1 − ηλ per step.
        var spec = Spec(Mlp("erf", 2, 2));
        const int N = 8;
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 9, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, N, 21);
        var xTest = Inputs(spec, 5, 22);
        var y = Inputs(spec, N, 23).narrow(1, 0, 2).contiguous();
        using var data = TrainingDataOf(x, y);
        var ntk = new EmpiricalNtk(network);
        var train = ntk.ComputeTensors(x, null, NtkMethod.Structured, perLayer: false).Total;     // [N·O, N·O], example-major
        var testTrain = ntk.ComputeTensors(xTest, x, NtkMethod.Structured, perLayer: false).Total;
        Tensor f0, f0Test;
        using (no_grad()) (f0, f0Test) = (network.Forward(x), network.Forward(xTest));
        double eta = 1 / (linalg.eigvalsh(train).max().ToDouble() / N + lambda);
        int steps = (int)Math.Ceiling(Math.Log(1e-14) / Math.Log(1 - eta * lambda));
        var optimizer = new OptimizerSpec(eta) { WeightDecay = lambda, DecayCenter = WeightDecayCenter.Init };
        var result = new Trainer(new TrainingOptions(new MeanSquaredError(), optimizer, steps, [steps], 0)).Train(lin, data);
        Assert.False(result.Diverged);
        var c = linalg.solve(train + N * lambda * eye(train.shape[0], dtype: ScalarType.Float64), (y - f0).reshape(-1, 1));
        var ridge = f0Test + testTrain.matmul(c).reshape(f0Test.shape);
        using var noGrad = no_grad();
        var trained = lin.Forward(xTest);
        // (1 − ηλ)^steps ≤ 1e-14 of the initial error, then round-off of the solve (cond ≤ λ_max/(Nλ) + 1 ≈ 10²): 1e-10 relative.
        double gap = (trained - ridge).norm().ToDouble(), size = ridge.norm().ToDouble();
        Assert.True(gap <= 1e-10 * size, $"‖f_lin,∞ − KRR‖ = {gap:G3} against ‖KRR‖ = {size:G3} after {steps} steps");
    }

    /// <summary>TrainingData from tensors, through the public Dataset path.</summary>
    [Fact]
    public void AdamTrainsTheDisplacementAsTorchAdamWDoes()
    {
        // The hand-written tangent and transpose passes hand J0ᵀδ to Adam; TorchSharp's AdamW on autograd gradients of
        // f_lin with respect to Δθ is the oracle. Decay toward 0 pulls Δθ toward −θ0.
        var spec = Spec(Mlp("erf", 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        using var oracle = new LinearizedNetwork(network);
        var x = Inputs(spec, 7, 1);
        using var data = TrainingDataOf(x, Inputs(spec, 7, 2).narrow(1, 0, 2));
        var optimizer = new OptimizerSpec(0.02) { Adam = new AdamMoments(), WeightDecay = 0.1 };
        new Trainer(new TrainingOptions(new MeanSquaredError(), optimizer, 6, [6], 0)).Train(lin, data);
        // The oracle trains θ = θ0 + Δθ itself, so AdamW's decay toward 0 is the linearization's decay of θ toward 0.
        var theta0 = oracle.InitialParameters;
        var theta = theta0.Select(t => new TorchSharp.Modules.Parameter(t.detach().clone())).ToArray();
        var adamW = optim.AdamW(theta, 0.02, weight_decay: 0.1);
        for (int step = 0; step < 6; step++)
        {
            adamW.zero_grad();
            new MeanSquaredError().Value(oracle.Forward(data.X, theta), data.Y, null).backward();
            adamW.step();
        }
        for (int i = 0; i < theta.Length; i++)
            Assert.True((lin.Parameters[i] - (theta[i] - theta0[i])).abs().max().ToDouble() < 1e-12);
    }

    internal static TrainingData TrainingDataOf(Tensor x, Tensor y)
    {
        var inputs = x.flatten(1).data<double>().ToArray();
        var targets = y.contiguous().data<double>().ToArray();
        int[] featureShape = x.shape.Skip(1).Select(s => (int)s).ToArray();
        var dataset = new LinearizationLab.Data.Dataset(inputs, featureShape, targets, (int)y.shape[1], null);
        return TrainingData.From(dataset, null, TensorSettings.CpuFloat64);
    }
}
