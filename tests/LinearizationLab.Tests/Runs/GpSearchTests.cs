using LinearizationLab.Analytic;
using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Inference;
using LinearizationLab.Layers;
using LinearizationLab.Runs;

namespace LinearizationLab.Tests.Runs;

[Collection("TorchSharp")]
public sealed class GpSearchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gp-search-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OnePassThroughTheDeepestNetworkGivesEveryShallowerOnesKernels()
    {
        // The tap after dense layer d + 1 of a depth-4 MLP is the depth-d MLP's output kernel (same σ_w², σ_b² everywhere).
        var random = new Random(1);
        var x = new double[7, 5];
        for (int i = 0; i < 7; i++) for (int j = 0; j < 5; j++) x[i, j] = random.NextDouble() - 0.5;
        var y = new double[3, 5];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) y[i, j] = random.NextDouble() - 0.5;
        var deep = GpSearch.Mlp(Activation.Erf, 4, 1.7, 0.2, 5, 2);
        var tapped = AnalyticKernels.ComputeAtLayers(deep, x, y, [0, 2, 4, 8]);
        foreach (var (depth, t) in new[] { (0, 0), (1, 1), (2, 2), (4, 3) })
        {
            var direct = AnalyticKernels.Compute(GpSearch.Mlp(Activation.Erf, depth, 1.7, 0.2, 5, 2), x, y);
            for (int i = 0; i < 7; i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(direct.Nngp[i, j], tapped[t].Nngp[i, j], 1e-13);
                Assert.Equal(direct.Ntk[i, j], tapped[t].Ntk[i, j], 1e-13);
            }
        }
    }

    [Fact]
    public void TheSearchScoresEveryPointAsADirectFitWouldAndTestsTheBest()
    {
        string file = Path.Combine(_dir, "search.json");
        File.WriteAllText(file, """
            {"data": {"source": "mnist", "train_size": 80, "test_size": 40, "normalize": "unit_norm", "seed": 0},
             "search": {"activation": "erf", "depths": [1, 3], "w_var": [1.0, 2.5], "b_var": [0.05, 0.4], "noise": [1e-8], "validation_size": 20, "seed": 4}}
            """);
        var config = GpConfig.Load(file);
        var result = GpSearch.Execute(config, _dir);
        Assert.Equal(2 * 2 * 2, result.Points.Count);
        Assert.Equal(result.Points.Where(p => double.IsFinite(p.ValidationAccuracy)).Max(p => p.ValidationAccuracy), result.Best.ValidationAccuracy);

        // Recompute one point by hand: the same seeded split, the depth-3 network's kernel, one NNGP posterior.
        var (train, _) = config.Data.Load();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(4).Shuffle(order);
        var validation = order.Take(20).Order().ToArray();
        var fit = order.Skip(20).Order().ToArray();
        double[,] Rows(int[] idx) { var m = new double[idx.Length, train.FeatureSize]; for (int r = 0; r < idx.Length; r++) for (int f = 0; f < train.FeatureSize; f++) m[r, f] = train.Inputs[idx[r] * train.FeatureSize + f]; return m; }
        var yFit = new double[fit.Length, 10];
        for (int r = 0; r < fit.Length; r++) for (int k = 0; k < 10; k++) yFit[r, k] = train.Targets[fit[r] * 10 + k];
        var arch = GpSearch.Mlp(Activation.Erf, 3, 2.5, 0.4, train.FeatureSize, 10);
        var posterior = new NngpPosterior(AnalyticKernels.Compute(arch, Rows(fit)).Nngp, yFit, 1e-8);
        var mean = posterior.Mean(AnalyticKernels.Compute(arch, Rows(validation), Rows(fit)).Nngp);
        double accuracy = RegressionClassifier.Accuracy(mean, validation.Select(i => train.Labels![i]).ToArray());
        Assert.Equal(accuracy, result.Points.Single(p => p.Depth == 3 && p.WeightVariance == 2.5 && p.BiasVariance == 0.4).ValidationAccuracy);

        Assert.True(File.Exists(Path.Combine(_dir, "search.csv")));
        Assert.True(File.Exists(Path.Combine(_dir, "search.png")));
        Assert.Equal(80, result.Test.TrainSize);
    }

    [Fact]
    public void ASearchNeedsAValidationSplitSmallerThanTheTrainingSet()
    {
        string file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, """
            {"data": {"source": "mnist", "train_size": 20, "test_size": 10, "normalize": "unit_norm"},
             "search": {"activation": "relu", "depths": [1], "w_var": [2.0], "b_var": [0.1], "validation_size": 20}}
            """);
        var e = Assert.Throws<InvalidInputException>(() => GpSearch.Execute(GpConfig.Load(file), _dir));
        Assert.Equal("search.validation_size", e.Field);
    }
}
