using LinearizationLab.Empirical;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

[Collection("TorchSharp")]
public class LinearMseDynamicsTests
{
    [Theory]
    [InlineData("relu", 0.5)]
    [InlineData("tanh", 0.9)]
    public void WeightSpaceGradientDescentFollowsTheClosedForm(string activation, double fractionOfCritical)
    {
        var spec = Spec(Mlp(activation, 2, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 8, TensorSettings.CpuFloat64);
        using var lin = new LinearizedNetwork(network);
        var x = Inputs(spec, 5, 1);
        var xTest = Inputs(spec, 3, 2);
        var y = Inputs(spec, 5, 3).narrow(1, 0, 2);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, y);

        var ntk = new EmpiricalNtk(network);
        var train = ntk.Compute(x, null, NtkMethod.Structured, perLayer: false);
        var testTrain = ntk.Compute(xTest, x, NtkMethod.Structured, perLayer: false);
        double[,] f0, f0Test;
        using (no_grad())
        {
            f0 = Matrix(network.Forward(x));
            f0Test = Matrix(network.Forward(xTest));
        }
        var dynamics = new LinearMseDynamics(train.Full, f0, Matrix(y));
        double eta = fractionOfCritical * dynamics.Dynamics.CriticalLearningRate;

        int[] checkpoints = [0, 1, 3, 10, 40];
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(eta), 40, checkpoints, 0);
        int seen = 0;
        new Trainer(options).Train(lin, data, (record, _, model) =>
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            // Both sides are the same linear recursion f ← f − (η/N)Θ̂0(f − y), evaluated once by 40 float64 GD steps
            // and once through an eigendecomposition; their round-off (≈1e-13 here) is far below 1e-8.
            var time = TrainingTime.GradientDescent(eta, record.Step);
            Assert.True(MaxAbs(Matrix(model.Forward(x)), dynamics.TrainOutputs(time)) < 1e-8);
            Assert.True(MaxAbs(Matrix(model.Forward(xTest)), dynamics.TestOutputs(testTrain.Full, f0Test, time)) < 1e-8);
            seen++;
        });
        Assert.Equal(checkpoints.Length, seen);
    }

    [Fact]
    public void GradientFlowIsTheSmallStepLimit()
    {
        var spec = Spec(Mlp("erf", 1, 1));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 2, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 4, 5);
        var train = new EmpiricalNtk(network).Compute(x, null, NtkMethod.Structured, perLayer: false);

        var f0 = new double[4, 1];
        var y = new double[,] { { 1 }, { -1 }, { 0.5 }, { 0 } };
        var gd = new LinearMseDynamics(train.Full, f0, y);
        // Steps of η = 1e-4·η_crit for T steps against flow time ηT: (1 − x)^T vs e^{−xT} differ by ≈ T·x²/2 ≤ 1e-4.
        double eta = 1e-4 * gd.Dynamics.CriticalLearningRate;
        var discrete = gd.TrainOutputs(TrainingTime.GradientDescent(eta, 5000));
        var flow = gd.TrainOutputs(TrainingTime.GradientFlow(eta * 5000));
        Assert.True(MaxAbs(discrete, flow) < 1e-3);
    }

    private static double[,] Matrix(Tensor t)
    {
        var c = t.detach().contiguous();
        var flat = c.data<double>().ToArray();
        int n = (int)c.shape[0], o = (int)c.shape[1];
        var m = new double[n, o];
        for (int i = 0; i < flat.Length; i++) m[i / o, i % o] = flat[i];
        return m;
    }

    private static double MaxAbs(double[,] a, double[,] b)
    {
        double m = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) m = Math.Max(m, Math.Abs(a[i, j] - b[i, j]));
        return m;
    }
}
