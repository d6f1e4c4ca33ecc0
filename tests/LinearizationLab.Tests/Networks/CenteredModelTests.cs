using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Networks;

/// <summary>Centering at initialization, f_c = f − f(·; θ0): what it changes (outputs, losses) and what it does not (gradients).</summary>
[Collection("TorchSharp")]
public class CenteredModelTests
{
    private static readonly TensorSettings F64 = TensorSettings.CpuFloat64;

    private static Dataset Set(int n, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, n * 3).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n * 2).Select(i => Math.Sin(2 * x[i / 2 * 3] + i % 2)).ToArray();
        return new Dataset(x, [3], y, 2, null);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(4, false)]
    [InlineData(null, true)]
    [InlineData(4, true)]
    public void TrainingTheCenteredNetworkIsTrainingTheNetworkOnTargetsShiftedByItsInitialOutputs(int? batch, bool autograd)
    {
        // ½‖(f − f0) − y‖² = ½‖f − (y + f0)‖²: the same gradients, so the same parameters after every step — by the hand-written
        // passes, and through autograd (a model without them, as a network with pooling layers is), where the kept f(x; θ0) of
        // the training set must not cut the graph.
        using var scope = NewDisposeScope();
        using var centeredNet = Network.Create(Arch.Mlp(3, [16, 16], 2), 3, F64);
        using var plainNet = Network.Create(Arch.Mlp(3, [16, 16], 2), 3, F64);
        var train = Set(12, 1);
        using var data = TrainingData.From(train, Set(5, 2), F64);
        using var theta0 = new DisposableList(centeredNet.CloneParameters());
        using var centered = new CenteredModel(autograd ? new AutogradOnly(centeredNet) : centeredNet, centeredNet, theta0.Items, data.X, data.TestX);
        using var noGrad = no_grad();
        Assert.Equal(0, centered.OutputsOn(data.X)!.abs().max().ToDouble());
        Assert.Equal(0, centered.Forward(data.X.narrow(0, 0, 3)).abs().max().ToDouble());   // off the known sets, through θ0's pass
        var shifted = train with { Targets = (data.Y + plainNet.Forward(data.X)).contiguous().data<double>().ToArray() };
        using var shiftedData = TrainingData.From(shifted, null, F64);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.3, 0.5, BatchSize: batch), 7, [7], 2);
        new Trainer(options).Train(centered, data);
        new Trainer(options).Train(autograd ? new AutogradOnly(plainNet) : plainNet, shiftedData);
        for (int i = 0; i < plainNet.Parameters.Count; i++)
            Assert.True((centeredNet.Parameters[i] - plainNet.Parameters[i]).abs().max().ToDouble() < 1e-13);
    }

    [Fact]
    public void TheCenteredLinearizationConvergesToKernelRegressionWithTheEmpiricalNtk()
    {
        // f_lin − f0 = Θ̂0(·, X)·c and GD on ½·mean MSE drives c to Θ̂0(X, X)⁻¹y: at t → ∞ the test outputs are
        // Θ̂0(X_test, X)·Θ̂0(X, X)⁻¹·y, the NTK-GP mean with prior mean 0 at this width.
        using var scope = NewDisposeScope();
        using var net = Network.Create(Arch.Mlp(3, [64], 2, "erf"), 5, F64);
        using var data = TrainingData.From(Set(6, 3), Set(4, 4), F64);
        using var linearization = new LinearizedNetwork(net);
        using var functionSpace = FunctionSpaceLinearization.Create(linearization, data.X, data.TestX);
        using var centered = new CenteredModel(functionSpace, net, linearization.InitialParameters, data.X, data.TestX);
        var kernel = functionSpace.TrainKernel;
        double lambdaMax = linalg.eigvalsh(kernel).max().ToDouble();
        var trainer = new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(6.0 / lambdaMax), 20_000, [20_000], 0));
        trainer.Train(centered, data);
        var ntk = new EmpiricalNtk(net, linearization.InitialParameters);
        var cross = ntk.ComputeTensors(data.TestX!, data.X, NtkMethod.Structured, perLayer: false).Total;
        var regression = cross.matmul(linalg.solve(kernel, data.Y.reshape(-1))).reshape(data.TestX!.shape[0], 2);
        var predicted = trainer.Predict(centered, data.TestX!);
        Assert.True((predicted - regression).norm().ToDouble() <= 1e-8 * regression.norm().ToDouble(),
            $"‖f_lin − f0 − kernel regression‖ = {(predicted - regression).norm().ToDouble():G3}");
    }

    /// <summary>A network seen only as a trainable model (no hand-written passes), so the trainer steps it through autograd.</summary>
    private sealed class AutogradOnly(Network network) : ITrainableModel
    {
        public IReadOnlyList<Tensor> Parameters => network.Parameters;

        public Tensor Forward(Tensor x) => network.Forward(x);
    }

        /// <summary>Tensors disposed together.</summary>
    private sealed class DisposableList(Tensor[] items) : IDisposable
    {
        public Tensor[] Items => items;

        public void Dispose()
        {
            foreach (var t in items) t.Dispose();
        }
    }
}
