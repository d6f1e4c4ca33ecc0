using System.Text.Json;
using System.Text.Json.Serialization;
using LinearizationLab.Analytic;
using LinearizationLab.Data;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// The sweep-level facts that no run file holds, written once as sweep.json in the output folder: widths and
/// seeds, a corner of the analytic NTK Θ and NNGP K on the kernel examples with the spectrum of Θ there, and for
/// regression sets with at most <see cref="MaxPredictiveTestPoints"/> test points the infinite-width predictive
/// distributions on the test set (first output): the NTK-GP (Lee et al. 2019, eqs. 15–16) at t = ∞ and at the
/// sweep's last step, and the NNGP posterior (Lee et al. 2018), with the first input coordinate of every
/// training and test point for plotting against x; and for MSE sweeps with a test set of any size, the test loss and
/// accuracy of the NNGP posterior mean and of the NTK-GP mean at t = ∞ (<see cref="Experiments.InfiniteWidthTest"/>).
/// </summary>
public sealed record SweepInfo
{
    /// <summary>File name of the record in a sweep's output folder.</summary>
    public const string FileName = "sweep.json";

    /// <summary>Largest test set for which the predictive distributions are computed (they need K(x*,x*)).</summary>
    public const int MaxPredictiveTestPoints = 500;

    /// <summary>Largest corner of Θ and K stored.</summary>
    public const int MaxCornerSize = 24;

    /// <summary>Name of the sweep.</summary>
    public string Name { get; init; } = "";

    /// <summary>Hidden widths, ascending.</summary>
    public int[] Widths { get; init; } = [];

    /// <summary>Seeds of the runs.</summary>
    public long[] Seeds { get; init; } = [];

    /// <summary>Data source as in the sweep file ("sphere", "toy1d", "mnist", "fashion_mnist", "csv").</summary>
    public string DataSource { get; init; } = "";

    /// <summary>Loss name ("mse" or "cross_entropy").</summary>
    public string Loss { get; init; } = "";

    /// <summary>Training steps of every run (the last checkpoint).</summary>
    public int Steps { get; init; }

    /// <summary>η_crit = 2N/λ_max(Θ) of the analytic NTK on the whole training set (MSE sweeps), else null.</summary>
    public double? AnalyticCriticalLearningRate { get; init; }

    /// <summary>η of the infinite-width predictions at the last step: fraction × analytic η_crit, or the absolute η.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Top-left corner (up to 24×24) of the analytic NTK Θ on the kernel examples.</summary>
    public double[][] AnalyticNtk { get; init; } = [];

    /// <summary>
    /// Why the analytic kernels and the metrics built on them (ntk_init_distance, nngp_init_distance, the NTK-GP) are absent,
    /// and where; null when every grid point has them.
    /// </summary>
    public string? AnalyticKernelsAbsent { get; init; }

    /// <summary>The same corner of the analytic NNGP K.</summary>
    public double[][] AnalyticNngp { get; init; } = [];

    /// <summary>Eigenvalues of Θ on all kernel examples, descending (compare with each run's spectrum of Θ̂0).</summary>
    public double[] AnalyticSpectrum { get; init; } = [];

    /// <summary>First input coordinate of each training example (predictive part only, else empty).</summary>
    public double[] TrainInputs { get; init; } = [];

    /// <summary>First target of each training example.</summary>
    public double[] TrainTargets { get; init; } = [];

    /// <summary>First input coordinate of each test example.</summary>
    public double[] TestInputs { get; init; } = [];

    /// <summary>First target of each test example.</summary>
    public double[] TestTargets { get; init; } = [];

    /// <summary>NTK-GP mean μ_∞(x*) (kernel regression with Θ), first output.</summary>
    public double[] NtkGpMeanInfinite { get; init; } = [];

    /// <summary>NTK-GP standard deviation √Σ_∞(x*, x*) over initializations.</summary>
    public double[] NtkGpStdInfinite { get; init; } = [];

    /// <summary>NTK-GP mean after <see cref="Steps"/> steps of gradient descent with <see cref="LearningRate"/>.</summary>
    public double[] NtkGpMeanFinal { get; init; } = [];

    /// <summary>NTK-GP standard deviation at the same time.</summary>
    public double[] NtkGpStdFinal { get; init; } = [];

    /// <summary>NNGP posterior mean (exact Bayesian inference, jitter 1e-10 × mean diagonal).</summary>
    public double[] NngpMean { get; init; } = [];

    /// <summary>NNGP posterior standard deviation.</summary>
    public double[] NngpStd { get; init; } = [];

    /// <summary>
    /// Test loss and accuracy of the NNGP posterior mean and of the NTK-GP mean at t = ∞ on the whole test set (MSE sweeps with a
    /// test set; <see cref="Experiments.InfiniteWidthTest"/>), or null.
    /// </summary>
    public InfiniteWidthTest? InfiniteWidthTest { get; init; }

    /// <summary>Whether the predictive distributions on the test set are present.</summary>
    [JsonIgnore]
    public bool HasPredictions => TestInputs.Length > 0 && NtkGpMeanInfinite.Length == TestInputs.Length;

    /// <summary>
    /// Builds the record from a sweep's shared context; the predictive part costs the analytic kernels on
    /// test × test and an M × M covariance, so it is limited to regression sets with at most 500 test points.
    /// </summary>
    public static SweepInfo Create(SweepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.Spec;
        var absent = spec.Grid.Points.Where(p => !spec.At(p).Setup.Arch.HasAnalyticKernels).ToArray();
        var info = new SweepInfo
        {
            Name = spec.Name,
            Widths = [.. spec.Widths],
            Seeds = [.. spec.Seeds],
            DataSource = JsonNamingPolicy.SnakeCaseLower.ConvertName(spec.Setup.Data.Source.ToString()),
            Loss = spec.Setup.Loss is MeanSquaredError ? "mse" : "cross_entropy",
            Steps = spec.Setup.Steps,
            AnalyticKernelsAbsent = absent.Length == 0 ? null : AbsentReason(spec, absent),
        };
        if (context.AnalyticNtk is not { } ntk) return info;
        info = info with
        {
            AnalyticNtk = MatrixBlocks.CornerRows(ntk, MaxCornerSize),
            AnalyticNngp = MatrixBlocks.CornerRows(context.AnalyticNngp!, MaxCornerSize),
            AnalyticSpectrum = [.. new GradientDescentMse(ntk).Eigenvalues],
        };
        if (context.NtkGp is not { } gp) return info;
        double rate = spec.Setup.Optimizer.WithCriticalLearningRate(gp.CriticalLearningRate).LearningRate;
        info = info with { AnalyticCriticalLearningRate = gp.CriticalLearningRate, LearningRate = rate, InfiniteWidthTest = context.InfiniteWidthTest };
        var (train, test) = (context.Train, context.Test);
        if (test.Count == 0 || test.Count > MaxPredictiveTestPoints || test.Labels is not null
            || !spec.Setup.Optimizer.IsLinearInGradient || spec.Setup.Optimizer.WeightDecay != 0)
            return info;
        var withData = info with
        {
            TrainInputs = FirstColumn(train.Inputs, train.FeatureSize),
            TrainTargets = FirstColumn(train.Targets, train.OutputCount),
            TestInputs = FirstColumn(test.Inputs, test.FeatureSize),
            TestTargets = FirstColumn(test.Targets, test.OutputCount),
        };
        return withData.WithPredictions(context, rate);
    }

    private static string AbsentReason(SweepSpec spec, GridPoint[] points)
    {
        var names = points.Select(p => spec.At(p).Setup.Arch.Abc!.Name).Distinct();
        string where = points.Length == 1 && points[0].IsOrigin ? "" : $" at {string.Join("; ", points.Select(p => p.Label))}";
        return $"absent{where}: under {string.Join(", ", names)} the infinite-width limit is not the NNGP/NTK of the stax recursions "
            + "(the width exponents change the network's scaling with n), so ntk_init_distance, nngp_init_distance and the NTK-GP are not computed";
    }

    private SweepInfo WithPredictions(SweepContext context, double rate)
    {
        var (train, test, spec) = (context.Train, context.Test, context.Spec);
        int n = train.Count, m = test.Count;
        var xTest = CsvMatrix.FromRowMajor(test.Inputs, m, test.FeatureSize);
        var testTest = AnalyticKernels.Compute(spec.Setup.Arch, xTest);
        var all = context.AllTrain!;
        var trainPair = new KernelPair(MatrixBlocks.Corner(all.Nngp, n), MatrixBlocks.Corner(all.Ntk, n));
        var testTrain = new KernelPair(MatrixBlocks.Rows(all.Nngp, n, m), MatrixBlocks.Rows(all.Ntk, n, m));
        var targets = CsvMatrix.FromRowMajor(train.Targets, n, train.OutputCount);
        var gp = new NtkGaussianProcess(trainPair, testTrain, targets, testTest.Nngp);
        var final = spec.Setup.Optimizer.IsFullBatch
            ? TrainingTime.GradientDescent(rate, spec.Setup.Steps)
            : TrainingTime.GradientFlow(rate * spec.Setup.Steps);   // SGD: the gradient-flow approximation at t = η·steps

        double meanDiagonal = Enumerable.Range(0, n).Average(i => trainPair.Nngp[i, i]);
        var posterior = new NngpPosterior(trainPair.Nngp, targets, 1e-10 * meanDiagonal);
        return this with
        {
            NtkGpMeanInfinite = FirstOutput(gp.Mean(TrainingTime.Infinity)),
            NtkGpStdInfinite = StandardDeviations(gp.Covariance(TrainingTime.Infinity)),
            NtkGpMeanFinal = FirstOutput(gp.Mean(final)),
            NtkGpStdFinal = StandardDeviations(gp.Covariance(final)),
            NngpMean = FirstOutput(posterior.Mean(testTrain.Nngp)),
            NngpStd = StandardDeviations(posterior.Covariance(testTrain.Nngp, testTest.Nngp)),
        };
    }

    /// <summary>sweep.json text (the JSON settings of the run files).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SweepStore.Json);

    /// <summary>Writes sweep.json into <paramref name="directory"/> atomically.</summary>
    public void Write(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), ToJson());

    /// <summary>The sweep.json of <paramref name="directory"/>, or null when it is missing or unreadable.</summary>
    public static SweepInfo? TryRead(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SweepInfo>(File.ReadAllText(path), SweepStore.Json); }
        catch (JsonException) { return null; }
    }

    private static double[] FirstColumn(double[] rowMajor, int columns) =>
        columns == 0 ? [] : Enumerable.Range(0, rowMajor.Length / columns).Select(i => rowMajor[i * columns]).ToArray();

    private static double[] FirstOutput(double[,] m) => Enumerable.Range(0, m.GetLength(0)).Select(i => m[i, 0]).ToArray();

    private static double[] StandardDeviations(double[,] covariance) =>
        Enumerable.Range(0, covariance.GetLength(0)).Select(i => Math.Sqrt(Math.Max(covariance[i, i], 0))).ToArray();
}
