using LinearizationLab.Data;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

/// <summary>
/// The linearization trained in function space (coefficients c, outputs f0 + Θ̂0·c) against the parameter-space oracle
/// (<see cref="LinearizedNetwork"/> trained directly): the same iterates, so the same outputs, losses and displacement, to
/// round-off amplified by the iteration.
/// </summary>
[Collection("TorchSharp")]
public class FunctionSpaceLinearizationTests
{
    private const int Train = 8, Test = 5, Steps = 30;

    public static TheoryData<string, string, double, double, bool, int?, string> Optimizers() => new()
    {
        // loss, network, η, μ, Nesterov, batch, weight decay λ @ center
        { "mse", "mlp", 0.4, 0, false, null, "" },
        { "mse", "mlp", 0.2, 0.9, false, 3, "" },
        { "mse", "cnn", 0.3, 0.5, true, 4, "" },
        { "cross_entropy", "mlp", 0.5, 0, false, null, "" },
        { "cross_entropy", "mlp", 0.3, 0.9, true, 4, "" },
        { "cross_entropy", "cnn", 0.4, 0.8, false, 3, "" },
        { "mse", "mlp", 0.4, 0, false, null, "0.3@zero" },
        { "mse", "mlp", 0.2, 0.9, false, 3, "0.2@init" },
        { "cross_entropy", "cnn", 0.3, 0.8, true, 4, "0.1@zero" },
        // μP at 4× its base width: per-layer learning rates, Δθ = diag(r)·J0ᵀc.
        { "mse", "mup", 0.1, 0.9, false, 3, "" },
        { "cross_entropy", "mup", 0.2, 0, false, null, "" },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void FollowsTheParameterSpaceIterates(string loss, string network, double rate, double momentum, bool nesterov, int? batch,
        string decay)
    {
        // Weight decay toward θ0 keeps Δθ in the span of J0ᵀ; toward 0 it needs the coefficient a along θ0.
        var optimizer = new OptimizerSpec(rate, momentum, nesterov, batch);
        if (decay.Split('@') is [var lambda, var center])
            optimizer = optimizer with { WeightDecay = double.Parse(lambda, System.Globalization.CultureInfo.InvariantCulture),
                DecayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero };
        // The MLP has the hand-written passes (Δθ = J0ᵀc by hand); the CNN's conv and pooling go through autograd.
        var spec = network == "mup" ? Spec("""{"input_shape":[4],"parameterization":"mup","base_width":4,"layers":[{"type":"dense","width":16,"w_std":1.4,"b_std":0.2},{"type":"erf"},{"type":"dense","width":16,"w_std":1.4,"b_std":0.2},{"type":"erf"},{"type":"dense","width":3}]}""")
            : Spec(network == "mlp" ? Mlp("erf", 2, 3)
            : """{"input_shape":[2,6,5],"layers":[{"type":"conv","channels":4,"kernel":[2,3],"stride":[2,2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"avg_pool","window":[2,2],"padding":"same"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""");
        using var scope = NewDisposeScope();
        using var net = Network.Create(spec, 7, TensorSettings.CpuFloat64);
        using var data = Data(spec, loss == "cross_entropy");
        int[] checkpoints = [0, 1, 7, Steps];
        var options = new TrainingOptions(Loss.FromName(loss), optimizer, Steps, checkpoints, 3);
        var trainer = new Trainer(options);

        using var oracle = new LinearizedNetwork(net);
        var expected = Record(trainer, oracle, data);
        using var linearization = new LinearizedNetwork(net);
        using var functionSpace = FunctionSpaceLinearization.Create(linearization, data.X, data.TestX,
            alongOrigin: optimizer is { WeightDecay: > 0, DecayCenter: WeightDecayCenter.Zero });
        var actual = Record(trainer, functionSpace, data);

        Assert.Equal(checkpoints.Length, actual.Count);
        for (int i = 0; i < checkpoints.Length; i++)
        {
            Assert.True(RelativeGap(actual[i].Train, expected[i].Train) <= 1e-10, $"training outputs at step {checkpoints[i]}");
            Assert.True(RelativeGap(actual[i].Test, expected[i].Test) <= 1e-10, $"test outputs at step {checkpoints[i]}");
            Assert.True(Math.Abs(actual[i].Loss - expected[i].Loss) <= 1e-10 * expected[i].Loss);
        }
        // Δθ = J0ᵀc formed from the coefficients is the oracle's displacement; its norm is √(cᵀΘ̂0c).
        var thetaOracle = oracle.CurrentParameters();
        var theta = functionSpace.CurrentParameters();
        var displacement = oracle.Parameters.Select(t => t.detach()).ToArray();
        double norm = Math.Sqrt(displacement.Sum(d => d.square().sum().ToDouble()));
        double gap = Math.Sqrt(theta.Select((t, j) => (t - thetaOracle[j]).square().sum().ToDouble()).Sum());
        Assert.True(gap <= 1e-10 * norm, $"‖θ − θ_oracle‖ = {gap:G3} against ‖Δθ‖ = {norm:G3}");
        Assert.True(Math.Abs(functionSpace.DisplacementNorm() - norm) <= 1e-10 * norm);
        // Off the known sets f_lin goes through Δθ: new inputs agree with the oracle too.
        var fresh = Inputs(spec, 4, 11);
        using var noGrad = no_grad();
        Assert.True(RelativeGap(functionSpace.Forward(fresh), oracle.Forward(fresh)) <= 1e-10);
    }

    [Theory]
    [InlineData("ntk", "effective", false)]
    [InlineData("ntk", "parameter", true)]
    [InlineData("standard", "effective", true)]
    public void AutoTrainsInFunctionSpaceOnlyWhenEveryTensorDecaysAlike(string parameterization, string form, bool functionSpace)
    {
        // Decay λ·D·Δθ with D = diag(m_p²) leaves the span of J0ᵀ unless D is a multiple of I: NTK-parameterized layers have
        // m² = w_std²/fan_in or b_std², standard ones m = 1.
        var spec = Spec(Mlp("erf", 1, 2, parameterization));
        using var scope = NewDisposeScope();
        using var net = Network.Create(spec, 1, TensorSettings.CpuFloat64);
        using var data = Data(spec, false);
        using var linearization = new LinearizedNetwork(net);
        var optimizer = new OptimizerSpec(0.1)
        {
            WeightDecay = 0.1, DecayCenter = WeightDecayCenter.Init,
            DecayForm = form == "effective" ? WeightDecayForm.Effective : WeightDecayForm.Parameter,
        };
        using var model = FunctionSpaceLinearization.ForTraining(linearization, data, optimizer, LinearizationSpace.Auto);
        Assert.Equal(functionSpace, model is not null);
        Assert.Equal(functionSpace, FunctionSpaceLinearization.TreatsTensorsAlike(spec, optimizer));
    }

    [Fact]
    public void AtInitializationItIsTheNetworkAndItStepsOnlyOnItsOwnTrainingSet()
    {
        var spec = Spec(Mlp("relu", 2, 2));
        using var scope = NewDisposeScope();
        using var net = Network.Create(spec, 2, TensorSettings.CpuFloat64);
        using var data = Data(spec, false);
        using var linearization = new LinearizedNetwork(net);
        using var model = FunctionSpaceLinearization.Create(linearization, data.X);
        using (no_grad())
        {
            // c = 0: the outputs are f(x; θ0) exactly, on the training set from the kernel and elsewhere through Δθ = 0.
            Assert.True(model.OutputsOn(data.X)!.eq(net.Forward(data.X)).all().ToBoolean());
            Assert.True(model.Forward(data.TestX!).eq(net.Forward(data.TestX!)).all().ToBoolean());
            Assert.Null(model.OutputsOn(data.TestX!));
            Assert.Equal(0, model.DisplacementNorm());
        }
        // A step's coefficients are rows of the training set it was built on.
        Assert.Throws<InvalidOperationException>(() => model.ForwardForBackprop(data.TestX!, sameBatch: false));
        Assert.Throws<ArgumentException>(() => model.ForwardForBackprop(data.X, sameBatch: false, rows: [0, 1]));
    }

    [Fact]
    public void ItsKernelGivesTheCriticalRateByTheSameLanczosIterates()
    {
        // N·O = 300·7 = 2,100 rows, above the direct limit: λ_max(Θ̂0) by the Lanczos iteration, through NTK-vector products or
        // through the function-space model's Θ̂0 — the same operator from the same start, so the same η_crit to round-off.
        var spec = Spec(Mlp("erf", 1, 7));
        using var scope = NewDisposeScope();
        using var net = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 300, 9);
        Assert.True(300 * 7 > CriticalLearningRate.DirectLimit);
        using var linearization = new LinearizedNetwork(net);
        using var model = FunctionSpaceLinearization.Create(linearization, x);
        var ntk = new LinearizationLab.Empirical.EmpiricalNtk(net);
        double byProducts = CriticalLearningRate.Of(ntk, x), byKernel = CriticalLearningRate.Of(ntk, x, kernel: model.TrainKernel);
        Assert.Equal(byProducts, byKernel, 1e-12 * byProducts);
        double exact = 2 * 300 / linalg.eigvalsh(model.TrainKernel).max().ToDouble();
        // Lanczos stops at a residual bound of 1e-6·θ; the top Ritz value's error is of its square over the gap, so η_crit is the
        // exact one to round-off. (The power iteration used before stopped 2e-5 below λ_max on this kernel.)
        Assert.Equal(exact, byKernel, 1e-10 * exact);
    }

    private sealed record Checkpoint(Tensor Train, Tensor Test, double Loss);

    private static List<Checkpoint> Record(Trainer trainer, ITrainableModel model, TrainingData data)
    {
        var rows = new List<Checkpoint>();
        var result = trainer.Train(model, data, (record, _, m) => rows.Add(new(
            trainer.Predict(m, data.X).detach().clone(), trainer.Predict(m, data.TestX!).detach().clone(), record.TrainLoss)));
        Assert.False(result.Diverged);
        return rows;
    }

    private static double RelativeGap(Tensor actual, Tensor expected) =>
        (actual - expected).norm().ToDouble() / expected.norm().ToDouble();

    /// <summary>Train and test inputs for <paramref name="spec"/> with random targets (and argmax labels for cross-entropy).</summary>
    private static TrainingData Data(LinearizationLab.Architecture.ArchitectureSpec spec, bool labels)
    {
        Dataset Set(int n, ulong seed)
        {
            var x = Inputs(spec, n, seed);
            var y = Inputs(spec, n, seed + 100).flatten(1).narrow(1, 0, spec.OutputCount).contiguous();
            int[]? classes = labels ? y.argmax(1).data<long>().Select(l => (int)l).ToArray() : null;
            return new Dataset(x.flatten(1).data<double>().ToArray(), x.shape.Skip(1).Select(s => (int)s).ToArray(),
                y.data<double>().ToArray(), spec.OutputCount, classes);
        }
        return TrainingData.From(Set(Train, 1), Set(Test, 2), TensorSettings.CpuFloat64);
    }
}
