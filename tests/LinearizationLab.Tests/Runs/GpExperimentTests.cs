using LinearizationLab.Runs;
using System.Text.Json;
using LinearizationLab.Analytic;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests.Runs;

/// <summary>Facts about <see cref="GpExperiment"/> and <see cref="GpConfig"/>: the reported metrics are those of kernel regression.</summary>
public sealed class GpExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-gp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Dataset Train, Dataset Test) Sphere(int train = 40, int test = 30, int outputs = 2)
    {
        var spec = DataSpec.Read(JsonSection.Parse(
            $$$"""{"source":"sphere","dim":5,"outputs":{{{outputs}}},"train_size":{{{train}}},"test_size":{{{test}}},"seed":3,"teacher":{"width":64,"depth":1}}""",
            "data.json"));
        return spec.Load();
    }

    private static readonly LinearizationLab.Architecture.ArchitectureSpec Relu = Arch.Mlp(5, [64, 64], 2, wStd: 1.4, bStd: 0.2);

    private static double[,] Matrix(double[] rowMajor, int columns) => CsvMatrix.FromRowMajor(rowMajor, rowMajor.Length / columns, columns);

    /// <summary>½·mean over rows of ‖K*·(K + σ²I)⁻¹Y − Y*‖², written out directly with MathNet.</summary>
    private static double KernelRegressionMse(double[,] trainKernel, double[,] testTrainKernel, Dataset train, Dataset test, double noise)
    {
        var k = Matrix<double>.Build.DenseOfArray(trainKernel) + noise * Matrix<double>.Build.DenseIdentity(train.Count);
        var mean = Matrix<double>.Build.DenseOfArray(testTrainKernel)
            * k.Cholesky().Solve(Matrix<double>.Build.DenseOfArray(Matrix(train.Targets, train.OutputCount)));
        var error = mean - Matrix<double>.Build.DenseOfArray(Matrix(test.Targets, test.OutputCount));
        return 0.5 * error.PointwisePower(2).RowSums().Average();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-2)]
    public void TestMseAtInfiniteTimeIsThatOfDirectKernelRegression(double noise)
    {
        // Same formula, same Cholesky solve, but with the test kernels computed in one piece rather than in
        // blocks: the sums agree to round-off, κ(K)·1e-16 relative with κ ≲ 1e4 here; 1e-9 leaves margin.
        var (train, test) = Sphere();
        var result = GpExperiment.Evaluate(Relu, train, test, noise, TrainingTime.Infinity);
        var xTrain = Matrix(train.Inputs, train.FeatureSize);
        var trainKernels = AnalyticKernels.Compute(Relu, xTrain);
        var testTrain = AnalyticKernels.Compute(Relu, Matrix(test.Inputs, test.FeatureSize), xTrain);
        double nngp = KernelRegressionMse(trainKernels.Nngp, testTrain.Nngp, train, test, noise);
        double ntk = KernelRegressionMse(trainKernels.Ntk, testTrain.Ntk, train, test, noise);
        Assert.Equal(nngp, result.Nngp.TestMse, 1e-9 * nngp);
        Assert.Equal(ntk, result.Ntk.TestMse, 1e-9 * ntk);
        Assert.Null(result.Ntk.TestAccuracy);   // regression data has no labels
        Assert.Equal((40, 30), (result.TrainSize, result.TestSize));
    }

    [Fact]
    public void WithoutNoiseBothPredictorsInterpolateTheTrainingPoints()
    {
        // Scored on its own training set, K·K⁻¹Y = Y: the MSE is round-off, (κ·1e-16)² relative to ½·mean‖y‖².
        var (train, _) = Sphere();
        var result = GpExperiment.Evaluate(Relu, train, train, 0, TrainingTime.Infinity);
        double scale = 0.5 * train.Targets.Sum(v => v * v) / train.Count;
        Assert.True(result.Nngp.TestMse < 1e-16 * scale, $"NNGP {result.Nngp.TestMse} vs {scale}");
        Assert.True(result.Ntk.TestMse < 1e-16 * scale, $"NTK {result.Ntk.TestMse} vs {scale}");
    }

    [Fact]
    public void AtTimeZeroTheNtkGpPredictsThePriorMeanZero()
    {
        // μ_0 = 0 exactly (gain 0 for every mode), so the MSE is ½·mean‖y*‖² to the last bits of the sum.
        var (train, test) = Sphere();
        var result = GpExperiment.Evaluate(Relu, train, test, 0, TrainingTime.GradientFlow(0));
        double expected = 0.5 * test.Targets.Sum(v => v * v) / test.Count;
        Assert.Equal(expected, result.Ntk.TestMse, 1e-14 * expected);
    }

    [Fact]
    public void ALongGradientFlowReachesKernelRegression()
    {
        // At t = 40·N/λ_min every mode's e^{−λt/N} is below e^{−40} ≈ 4e-18, so the finite-time mean (Chebyshev expansion of
        // the gain) equals the t = ∞ solve up to the expansion's 1e-14·max|h| times κ(Θ) ≲ 1e4 here.
        var (train, test) = Sphere();
        var lambdaMin = new GradientDescentMse(AnalyticKernels.Compute(Relu, Matrix(train.Inputs, train.FeatureSize)).Ntk).Eigenvalues[^1];
        var infinite = GpExperiment.Evaluate(Relu, train, test, 0, TrainingTime.Infinity);
        var finite = GpExperiment.Evaluate(Relu, train, test, 0, TrainingTime.GradientFlow(40 * train.Count / lambdaMin));
        Assert.Equal(infinite.Ntk.TestMse, finite.Ntk.TestMse, 1e-8 * infinite.Ntk.TestMse);
        Assert.Equal(infinite.Nngp.TestMse, finite.Nngp.TestMse, 0.0);   // the NNGP posterior does not depend on t
        Assert.Null(infinite.ChebyshevDegree);
        Assert.InRange(finite.ChebyshevDegree!.Value, 1, 20_000);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    public void AtFiniteTimeTheNtkGpMeanIsThatOfTheEigendecomposition(double noise)
    {
        // The run's Chebyshev expansion of g_t(Θ) against NtkGaussianProcess (eigendecomposition, the gains mode by mode) on the
        // same kernels, for gradient flow and gradient descent at early, middle and late times: the expansion is accurate to
        // 1e-14·max g = 1e-14·τ/N, and the MSE of the two means then agrees to about κ-free 1e-12 relative (1e-10 leaves margin).
        var (train, test) = Sphere();
        var xTrain = Matrix(train.Inputs, train.FeatureSize);
        var trainKernels = AnalyticKernels.Compute(Relu, xTrain);
        var testTrain = AnalyticKernels.Compute(Relu, Matrix(test.Inputs, test.FeatureSize), xTrain);
        for (int i = 0; i < train.Count; i++) trainKernels.Ntk[i, i] += noise;
        var gp = new NtkGaussianProcess(trainKernels, testTrain, Matrix(train.Targets, train.OutputCount));
        double eta = 0.9 * gp.CriticalLearningRate;
        foreach (var time in new[] { TrainingTime.GradientFlow(eta), TrainingTime.GradientFlow(eta * 300), TrainingTime.GradientDescent(eta, 1),
                     TrainingTime.GradientDescent(eta, 50), TrainingTime.GradientDescent(eta, 3000) })
        {
            var mean = gp.Mean(time);
            var expected = 0.0;
            for (int r = 0; r < test.Count; r++)
                for (int o = 0; o < test.OutputCount; o++)
                    expected += 0.5 * Math.Pow(mean[r, o] - test.Targets[r * test.OutputCount + o], 2) / test.Count;
            var result = GpExperiment.Evaluate(Relu, train, test, noise, time);
            Assert.Equal(expected, result.Ntk.TestMse, 1e-10 * expected);
        }
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(50.0)]
    public void ComputingTheTrainingKernelsOneAfterTheOtherGivesTheSamePredictions(double t)
    {
        // Under a budget too small for both kernels' tiles each pass reruns the same deterministic recursion and keeps one
        // result, so the weights, and with them every metric, are bit for bit those of the single pass.
        var (train, test) = Sphere();
        var time = double.IsPositiveInfinity(t) ? TrainingTime.Infinity : TrainingTime.GradientFlow(t);
        var together = GpExperiment.Evaluate(Relu, train, test, 1e-6, time, kernelBudgetBytes: long.MaxValue);
        var apart = GpExperiment.Evaluate(Relu, train, test, 1e-6, time, kernelBudgetBytes: 0);
        Assert.Equal(together.Nngp, apart.Nngp);
        Assert.Equal(together.Ntk, apart.Ntk);
        Assert.Equal(together.ChebyshevDegree, apart.ChebyshevDegree);
        Assert.Equal((1, 2), (together.KernelPasses, apart.KernelPasses));
    }

    [Fact]
    public void ATimeTooLateForTheExpansionIsAnErrorNamingTime()
    {
        // λ̄·τ/N ≈ 1e14 would need a degree ~6·10⁷; the error says the result is that of t = ∞.
        var config = Config("""
            { "arch": { "input_shape": [5], "layers": [ {"type":"dense","width":8}, {"type":"relu"}, {"type":"dense","width":2} ] },
              "time": 1e15,
              "data": {"source":"sphere","dim":5,"outputs":2,"train_size":20,"test_size":5,"seed":1} }
            """);
        var error = Assert.Throws<InvalidInputException>(() => GpExperiment.Execute(config, _dir));
        Assert.Contains("time", error.Message);
        Assert.Contains("infinity", error.Message);
    }

    [Fact]
    public void OnASmallMnistSubsetBothPredictorsClassifyWellAboveChance()
    {
        // Infinite-width ReLU kernels on 200 MNIST digits reach about 86% test accuracy (chance: 10%);
        // 0.6 is far below what the method gives yet far above chance.
        var config = Config("""
            {"arch": {"input_shape":[784],"layers":[{"type":"dense","width":1,"w_std":1.414,"b_std":0.1},{"type":"relu"},
               {"type":"dense","width":1,"w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"dense","width":10,"w_std":1.414,"b_std":0.1}]},
             "data": {"source":"mnist","train_size":200,"test_size":200,"normalize":"unit_norm","seed":1}}
            """);
        var result = GpExperiment.Execute(config, Path.Combine(_dir, "out"));
        Assert.True(result.Nngp.TestAccuracy > 0.6, $"NNGP accuracy {result.Nngp.TestAccuracy}");
        Assert.True(result.Ntk.TestAccuracy > 0.6, $"NTK-GP accuracy {result.Ntk.TestAccuracy}");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", GpExperiment.ResultFileName)));
        Assert.Equal(result.Ntk.TestAccuracy, doc.RootElement.GetProperty("ntk").GetProperty("test_accuracy").GetDouble());
        Assert.Equal("infinity", doc.RootElement.GetProperty("time").GetString());
        Assert.Equal(200, doc.RootElement.GetProperty("train_size").GetInt32());
    }

    private GpConfig Config(string json)
    {
        string path = Path.Combine(_dir, "gp.json");
        File.WriteAllText(path, json);
        return GpConfig.Load(path);
    }

    private const string SphereData = """ "data": {"source":"sphere","dim":4,"train_size":8,"test_size":4} """;

    [Theory]
    [InlineData("", double.PositiveInfinity, 0.0)]
    [InlineData(""", "time": "infinity" """, double.PositiveInfinity, 0.0)]
    [InlineData(""", "time": 12.5 """, 12.5, 0.0)]
    [InlineData(""", "learning_rate": 0.5, "steps": 10 """, 5.0, 0.5)]
    public void TheConfigReadsTheTrainingTime(string extra, double time, double learningRate)
    {
        var config = Config($$"""{"arch": {"input_shape":[4],"layers":[{"type":"dense","width":1}]}, {{SphereData}} {{extra}} }""");
        Assert.Equal(time, config.Time.Time);
        Assert.Equal(learningRate, config.Time.LearningRate);
        Assert.Equal(0.0, config.NoiseVariance);
    }

    [Theory]
    [InlineData(""", "noise": -1 """, "noise")]
    [InlineData(""", "time": "forever" """, "time")]
    [InlineData(""", "time": -2 """, "time")]
    [InlineData(""", "time": 3, "steps": 4, "learning_rate": 0.1 """, "time")]
    [InlineData(""", "steps": 4 """, "learning_rate")]
    [InlineData(""", "epochs": 4 """, "epochs")]
    public void ABadConfigNamesTheField(string extra, string field)
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            Config($$"""{"arch": {"input_shape":[4],"layers":[{"type":"dense","width":1}]}, {{SphereData}} {{extra}} }"""));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void ADataSectionWithoutATestSetIsAnErrorNamingData()
    {
        var config = Config("""{"arch": {"input_shape":[4],"layers":[{"type":"dense","width":1}]}, "data": {"source":"sphere","dim":4,"train_size":8}}""");
        var e = Assert.Throws<InvalidInputException>(() => GpExperiment.Execute(config, Path.Combine(_dir, "out")));
        Assert.Equal("data", e.Field);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Theory]
    [InlineData(null, ".csv")]
    [InlineData(MatrixFormat.Npy, ".npy")]
    public void ThePredictionFilesHoldThePredictionsThatWereScored(MatrixFormat? format, string extension)
    {
        // Both formats store doubles exactly, so the files equal the scored predictions bit for bit, and their test MSE,
        // computed by the same function on the same numbers, equals the reported one exactly. 6 × 2 predictions default to CSV.
        var config = Config("""
            { "arch": { "input_shape": [5], "layers": [ {"type":"dense","width":8}, {"type":"relu"}, {"type":"dense","width":2} ] },
              "noise": 1e-4, "time": 50,
              "data": {"source":"sphere","dim":5,"outputs":2,"train_size":12,"test_size":6,"seed":1} }
            """);
        string output = Path.Combine(_dir, "out");
        var result = GpExperiment.Execute(config, output, format);
        var test = config.Data.Load().Test;

        Assert.Equal(["nngp_predictions" + extension, "ntk_predictions" + extension], result.PredictionFiles);
        foreach (var (file, predictions, metrics) in new[] { (result.PredictionFiles[0], result.NngpPredictions!, result.Nngp),
                     (result.PredictionFiles[1], result.NtkPredictions!, result.Ntk) })
        {
            var read = MatrixFile.Read(Path.Combine(output, file));
            Tests.Data.NpyFixtures.AssertBitEqual(predictions, read);
            Assert.Equal(metrics.TestMse, LinearizationLab.Training.MeanSquaredError.Of(CsvMatrix.ToRowMajor(read), test.Targets, test.Count));
        }
        Assert.Equal(["gp.json", .. result.PredictionFiles.Order()], Directory.GetFiles(output).Select(Path.GetFileName).Order());
    }
}
