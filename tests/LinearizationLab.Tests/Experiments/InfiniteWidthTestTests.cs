using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Experiments;

[Collection("TorchSharp")]
public sealed class InfiniteWidthTestTests
{
    [Fact]
    public void TheInfiniteWidthPredictorsAreKernelRegressionWithTheAnalyticKernels()
    {
        // NTK-GP at t = ∞: Θ(x*, X)·Θ(X, X)⁻¹·Y; NNGP posterior: K(x*, X)·(K(X, X) + εI)⁻¹·Y with ε = 1e-10 × mean diagonal. Here
        // by direct solves in torch against the sweep's eigendecomposition and tiled Cholesky: the kernels' condition numbers
        // (≤ 1e4 on 8 sphere points) times float64 round-off leave 1e-9 relative as a wide margin.
        var context = SweepContext.Create(SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(), "sweep.json")));
        var scores = context.InfiniteWidthTest!;
        int n = context.Train.Count, m = context.Test.Count;
        var all = context.AllTrain!;
        using var scope = NewDisposeScope();
        var y = tensor(context.Train.Targets, [n, context.Train.OutputCount], ScalarType.Float64);
        var yTest = tensor(context.Test.Targets, [m, context.Test.OutputCount], ScalarType.Float64);
        double Loss(double[,] kernel, double jitter)
        {
            var k = tensor(kernel, ScalarType.Float64);
            var train = k.narrow(0, 0, n) + jitter * eye(n, dtype: ScalarType.Float64);
            var mean = k.narrow(0, n, m).matmul(linalg.solve(train, y));
            return 0.5 * (mean - yTest).square().sum().ToDouble() / m;
        }
        double meanDiagonal = Enumerable.Range(0, n).Average(i => all.Nngp[i, i]);
        Assert.Equal(Loss(all.Ntk, 0), scores.NtkGpInfinity.Loss!.Value, 1e-9 * scores.NtkGpInfinity.Loss!.Value);
        Assert.Equal(Loss(all.Nngp, 1e-10 * meanDiagonal), scores.Nngp.Loss!.Value, 1e-9 * scores.Nngp.Loss!.Value);
        // A regression set has no accuracy; sweep.json records the same scores.
        Assert.Null(scores.Nngp.Accuracy);
        Assert.Equal(scores, SweepInfo.Create(context).InfiniteWidthTest);
    }

    [Fact]
    public void AScoreIsTheSweepsMseAndTheArgmaxAccuracyOnLabelledSets()
    {
        // Two examples, two outputs: ½·mean‖f − y‖² = ½·(0.25 + 0.25 + 1 + 0)/2; argmax classes 0 and 0 against labels 0 and 1.
        var test = new Dataset([0.0, 0.0], [1], [1, 0, 0, 1], 2, [0, 1]);
        var score = InfiniteWidthTest.Score(new double[,] { { 0.5, 0.5 }, { 1, 1 } }, test);
        Assert.Equal(0.375, score.Loss!.Value, 15);
        Assert.Equal(0.5, score.Accuracy);
        Assert.Null(InfiniteWidthTest.Score(new double[,] { { 0.5, 0.5 }, { 1, 1 } }, test with { Labels = null }).Accuracy);
    }
}
