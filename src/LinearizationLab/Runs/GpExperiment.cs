using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Data;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Training;

namespace LinearizationLab.Runs;

/// <summary>
/// Infinite-width inference on a data set (Lee et al. 2018, 2019): the NNGP posterior mean
/// K(x*,X)(K(X,X) + σ²I)⁻¹Y and the NTK-GP mean after training time t, Θ(x*,X)Θ⁻¹(I − e^{−Θt/N})Y with
/// Θ = Θ(X,X) + σ²I (at t = ∞ kernel regression Θ(x*,X)(Θ(X,X) + σ²I)⁻¹Y), both from the analytic kernels of an
/// arch.json network, scored by test MSE and accuracy. K(X,X) (and at t = ∞ also Θ(X,X)) is Cholesky-factorized in
/// place; at finite t the NTK's gain is applied by a Chebyshev expansion in Θ (<see cref="GradientDescentMse.ApplyGain"/>,
/// no eigendecomposition, no copy); only the N×O weights are kept, and the test kernels are computed in blocks of
/// <see cref="TestBlockRows"/> rows into one reused pair of arrays. The training kernels live as lower-triangular tiles
/// (<see cref="SymmetricTiles"/>, half of N² each): both at once when they fit in half the machine's memory, otherwise one
/// pass of the recursion per kernel.
/// </summary>
public static class GpExperiment
{
    /// <summary>The file name of the result inside the output directory.</summary>
    public const string ResultFileName = "gp.json";

    /// <summary>Name (without extension) of the NNGP posterior mean on the test set, M × O, rows in test order.</summary>
    public const string NngpPredictionsName = "nngp_predictions";

    /// <summary>Name (without extension) of the NTK-GP mean on the test set, M × O, rows in test order.</summary>
    public const string NtkPredictionsName = "ntk_predictions";

    /// <summary>Test rows per block of test–train kernels at t = ∞.</summary>
    public const int TestBlockRows = 1024;

    /// <summary>
    /// Runs <paramref name="config"/> and writes into <paramref name="outputDirectory"/> both predictors' test predictions
    /// (<see cref="NngpPredictionsName"/>, <see cref="NtkPredictionsName"/>, in <paramref name="format"/>, by default
    /// <see cref="MatrixFile.DefaultFormat"/> of M·O), then <c>gp.json</c> (config, sizes, metrics, wall time), each
    /// atomically; returns the result with the predictions' file names.
    /// </summary>
    /// <exception cref="InvalidInputException">The data has no test set, K + σ²I is not positive definite
    /// (field <c>noise</c>, with a suggested jitter), or t is too late for the expansion of the gain (field <c>time</c>).</exception>
    /// <exception cref="OutputWriteException">A file could not be written.</exception>
    public static GpResult Execute(GpConfig config, string outputDirectory, MatrixFormat? format = null,
        IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var arch = config.Arch ?? throw new InvalidInputException(config.File, "arch",
            "is required (a config with only a search section runs with lab gp --search)");
        if (arch.NoAnalyticKernelsReason is { } reason) throw new InvalidInputException(config.File, "arch.parameterization", reason);
        var (train, test) = config.Data.LoadFor(arch, matchOutputs: false);
        if (test.Count == 0)
            throw new InvalidInputException(config.File, config.Data.Path,
                "lab gp needs a test set (test_size ≥ 1, or x_test and y_test for csv data)");
        RunMemory.Gp(arch, config.Data, train.Count, test.Count, train.OutputCount, HoldsBothKernels(train.Count, DefaultKernelBudgetBytes))
            .EnsureFits(config.File, config.Data.Path, $"N = {train.Count} training examples");
        GpResult result;
        try
        {
            result = Evaluate(arch, train, test, config.NoiseVariance, config.Time, progress, cancel);
        }
        catch (ArgumentException e) when (e.ParamName is "trainKernel" or "time")
        {
            throw new InvalidInputException(config.File, e.ParamName == "time" ? "time" : "noise", FirstSentence(e.Message));
        }

        var chosen = format ?? MatrixFile.DefaultFormat((long)result.TestSize * train.OutputCount);
        var predictions = new List<string>();
        foreach (var (name, values) in new[] { (NngpPredictionsName, result.NngpPredictions), (NtkPredictionsName, result.NtkPredictions) })
        {
            if (values is null || values.Length == 0) continue;
            predictions.Add(MatrixFile.FileName(name, chosen));
            MatrixFile.Write(Path.Combine(outputDirectory, predictions[^1]), values, chosen);
        }
        result = result with { PredictionFiles = predictions };
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, ResultFileName),
            ToJson(result, config).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return result;
    }

    /// <summary>
    /// Fits both predictors on <paramref name="train"/> and scores them on <paramref name="test"/>. Targets are the
    /// data's regression targets (one-hot rows for images); accuracy is reported when the test set has labels.
    /// </summary>
    /// <param name="arch">The network; inputs must have its input_shape's size.</param>
    /// <param name="train">Training set X, Y (N examples).</param>
    /// <param name="test">Test set (M ≥ 1 examples).</param>
    /// <param name="noiseVariance">σ² ≥ 0 added to the diagonal of both training kernels.</param>
    /// <param name="time">NTK-GP training time.</param>
    /// <param name="progress">Fraction of analytic kernel entries computed, 0 to 1.</param>
    /// <param name="cancel">Checked between kernel blocks.</param>
    /// <exception cref="ArgumentException">Sizes disagree, K + σ²I is not positive definite (parameter
    /// <c>trainKernel</c>; the message suggests a jitter), or t is too late for <see cref="GradientDescentMse.ApplyGain"/>
    /// (parameter <c>time</c>).</exception>
    public static GpResult Evaluate(ArchitectureSpec arch, Dataset train, Dataset test, double noiseVariance,
        TrainingTime time, IProgress<double>? progress = null, CancellationToken cancel = default) =>
        Evaluate(arch, train, test, noiseVariance, time, DefaultKernelBudgetBytes, progress, cancel);

    /// <summary>The memory the training kernels' tiles may take: half the memory the runtime may use.</summary>
    public static long DefaultKernelBudgetBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    /// <summary>Whether K and Θ of <paramref name="n"/> training examples are held at once: their tiles fit in <paramref name="kernelBudgetBytes"/>.</summary>
    public static bool HoldsBothKernels(int n, long kernelBudgetBytes) => 2 * SymmetricTiles.Bytes(n) <= kernelBudgetBytes;

    /// <summary><see cref="Evaluate(ArchitectureSpec, Dataset, Dataset, double, TrainingTime, IProgress{double}?, CancellationToken)"/>
    /// with both training kernels held at once only when their tiles fit in <paramref name="kernelBudgetBytes"/>.</summary>
    internal static GpResult Evaluate(ArchitectureSpec arch, Dataset train, Dataset test, double noiseVariance,
        TrainingTime time, long kernelBudgetBytes, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (!(noiseVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "must be ≥ 0");
        if (test.OutputCount != train.OutputCount)
            throw new ArgumentException($"test targets have {test.OutputCount} outputs but train targets {train.OutputCount}", nameof(test));
        var clock = Stopwatch.StartNew();
        int n = train.Count, m = test.Count, o = train.OutputCount;
        var xTrain = CsvMatrix.FromRowMajor(train.Inputs, n, train.FeatureSize);
        var yTrain = CsvMatrix.FromRowMajor(train.Targets, n, o);
        var xTest = CsvMatrix.FromRowMajor(test.Inputs, m, test.FeatureSize);
        // Both training kernels are held in lower-triangular tiles at once when they fit in the budget (half the machine's
        // memory); otherwise one after the other, each pass running the recursion again and keeping one of its two results.
        bool onePass = HoldsBothKernels(n, kernelBudgetBytes);
        double trainEntries = 0.5 * n * (n + 1.0), factorizationEntries = FactorizationWork(n);
        bool infinite = double.IsPositiveInfinity(time.Time);
        var kernelProgress = new KernelProgress(progress,
            trainEntries * (onePass ? 1 : 2) + (double)m * n + factorizationEntries * (infinite ? 2 : 1));
        var kernelClock = new Stopwatch();
        int? degree = null;
        // One choice for every block, so that no kernel mixes tabulated and exactly integrated entries.
        bool tabulate = (long)n * (n + m) >= AnalyticKernels.TabulationThreshold;

        // K + σ²I and, at t = ∞, Θ + σ²I are factorized in place; at finite t the NTK-GP's gain is applied to Y by a Chebyshev
        // series in Θ + σ²I. Only the N×O weights outlive the kernels.
        double[,] NngpWeights(SymmetricTiles k) =>
            new NngpPosterior(k, yTrain, noiseVariance, kernelProgress.Part(factorizationEntries), cancel).Weights;
        double[,] NtkWeights(SymmetricTiles theta)
        {
            if (infinite) return NngpWeights(theta);
            theta.AddToDiagonal(noiseVariance);
            var weights = GradientDescentMse.ApplyGain(theta, yTrain, time, out int used);
            degree = used;
            return weights;
        }

        double[,] nngpWeights, ntkWeights;
        if (onePass)
        {
            var (nngp, ntk) = KernelPass(arch, xTrain, keepNngp: true, keepNtk: true, tabulate, NngpWeights, NtkWeights,
                kernelProgress.Part(trainEntries), kernelClock, cancel);
            (nngpWeights, ntkWeights) = (nngp!, ntk!);
        }
        else
        {
            nngpWeights = KernelPass(arch, xTrain, keepNngp: true, keepNtk: false, tabulate, NngpWeights, NtkWeights,
                kernelProgress.Part(trainEntries), kernelClock, cancel).Nngp!;
            ReleaseMemory();   // K's tiles go back to the system before Θ's arrive
            ntkWeights = KernelPass(arch, xTrain, keepNngp: false, keepNtk: true, tabulate, NngpWeights, NtkWeights,
                kernelProgress.Part(trainEntries), kernelClock, cancel).Ntk!;
        }
        ReleaseMemory();   // and the training kernels' before the test blocks

        var scoreNngp = new Score(m, o);
        var scoreNtk = new Score(m, o);
        KernelPair? testTrain = null;   // one block's K(x*,X) and Θ(x*,X), reused block after block
        for (int start = 0; start < m; start += TestBlockRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(TestBlockRows, m - start);
            var block = RowBlock(xTest, start, rows);
            if (testTrain?.RowCount != rows) testTrain = new KernelPair(new double[rows, n], new double[rows, n]);
            Timed(kernelClock, () => AnalyticKernels.ComputeInto(testTrain, arch, block, xTrain, kernelProgress.Part((double)rows * n), tabulate, cancel));
            scoreNngp.Add(NngpPosterior.Predict(testTrain.Nngp, nngpWeights), start);
            scoreNtk.Add(NngpPosterior.Predict(testTrain.Ntk, ntkWeights), start);
        }

        return new GpResult(n, m, noiseVariance, time, scoreNngp.Metrics(test), scoreNtk.Metrics(test),
            kernelClock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds)
        {
            ChebyshevDegree = degree, KernelPasses = onePass ? 1 : 2,
            NngpPredictions = scoreNngp.Predictions, NtkPredictions = scoreNtk.Predictions,
        };
    }

    /// <summary>The JSON record of a result as written to gp.json (snake_case; null where a value does not apply).</summary>
    public static JsonObject ToJson(GpResult result, GpConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var time = result.Time;
        var record = new JsonObject();
        if (config is not null)
        {
            record["config_file"] = Path.GetFullPath(config.File);
            record["config"] = JsonNode.Parse(config.Raw.GetRawText());
        }
        record["train_size"] = result.TrainSize;
        record["test_size"] = result.TestSize;
        record["noise"] = result.NoiseVariance;
        record["time"] = double.IsPositiveInfinity(time.Time) ? "infinity" : JsonValue.Create(time.Time);
        record["learning_rate"] = time.IsDiscrete ? time.LearningRate : null;
        record["steps"] = time.IsDiscrete ? time.Steps : null;
        record["nngp"] = MetricsJson(result.Nngp);
        record["ntk"] = MetricsJson(result.Ntk);
        record["ntk_chebyshev_degree"] = result.ChebyshevDegree;
        record["kernel_passes"] = result.KernelPasses;
        record["kernel_seconds"] = result.KernelSeconds;
        record["wall_seconds"] = result.WallSeconds;
        return record;
    }

    private static JsonObject MetricsJson(GpMetrics metrics) => new()
    {
        ["test_mse"] = JsonNumber.Finite(metrics.TestMse),
        ["test_accuracy"] = metrics.TestAccuracy,
    };

    private static string FirstSentence(string message)
    {
        int paren = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return paren < 0 ? message : message[..paren];
    }

    private static double[,] RowBlock(double[,] x, int start, int rows)
    {
        int d = x.GetLength(1);
        var block = new double[rows, d];
        Buffer.BlockCopy(x, start * d * sizeof(double), block, 0, rows * d * sizeof(double));
        return block;
    }

    /// <summary>
    /// Fills the lower-triangular tiles of K(X,X) and Θ(X,X) (either may be null: not kept) one row of tiles at a time: the
    /// tile row's examples against all examples up to the end of its diagonal tile. Memory beyond the tiles: one tile row of
    /// both kernels. Progress moves per tile row.
    /// </summary>
    private static void FillTrainingKernels(ArchitectureSpec arch, double[,] x, SymmetricTiles? nngp, SymmetricTiles? ntk, bool tabulate,
        IProgress<double>? progress, CancellationToken cancel)
    {
        var shape = nngp ?? ntk ?? throw new ArgumentException("nothing to fill");
        int n = shape.Size, t = shape.TileSize;
        double total = 0.5 * n * (n + 1.0), done = 0;
        KernelPair? rows = null;
        for (int i = 0; i < shape.TileCount; i++)
        {
            cancel.ThrowIfCancellationRequested();
            int start = i * t, height = shape.Extent(i);
            if (rows?.RowCount != height) rows = new KernelPair(new double[height, n], new double[height, n]);
            AnalyticKernels.ComputeInto(rows, arch, RowBlock(x, start, height), x, tabulate: tabulate, cancel: cancel, x2Rows: start + height);
            nngp?.SetTileRow(i, rows.Nngp);
            ntk?.SetTileRow(i, rows.Ntk);
            done += (double)height * start + 0.5 * height * (height + 1.0);
            progress?.Report(Math.Min(done / total, 1.0));
        }
    }

    /// <summary>
    /// One pass of the training kernels' recursion keeping K and/or Θ in tiles, each turned into weights by its function; no
    /// tile is reachable once it returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (double[,]? Nngp, double[,]? Ntk) KernelPass(ArchitectureSpec arch, double[,] x, bool keepNngp, bool keepNtk,
        bool tabulate, Func<SymmetricTiles, double[,]> nngpWeights, Func<SymmetricTiles, double[,]> ntkWeights,
        IProgress<double>? progress, Stopwatch clock, CancellationToken cancel)
    {
        int n = x.GetLength(0);
        var k = keepNngp ? new SymmetricTiles(n) : null;
        var theta = keepNtk ? new SymmetricTiles(n) : null;
        Timed(clock, () => FillTrainingKernels(arch, x, k, theta, tabulate, progress, cancel));
        return (k is null ? null : nngpWeights(k), theta is null ? null : ntkWeights(theta));
    }

    /// <summary>
    /// A blocking, compacting, aggressive collection: gigabytes of dropped tiles are returned to the operating system at once,
    /// not kept committed for reuse, so that the next kernel's tiles do not stack on top of them.
    /// </summary>
    internal static void ReleaseMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private static void Timed(Stopwatch clock, Action work)
    {
        clock.Start();
        try { work(); }
        finally { clock.Stop(); }
    }

    /// <summary>A predictor's outputs on the test set, filled block by block of rows, then scored.</summary>
    private sealed class Score(int rows, int outputs)
    {
        private readonly double[,] _predictions = new double[rows, outputs];

        /// <summary>The predictions, M × O, rows in test order.</summary>
        public double[,] Predictions => _predictions;

        public void Add(double[,] predictions, int start) =>
            Buffer.BlockCopy(predictions, 0, _predictions, start * outputs * sizeof(double), predictions.Length * sizeof(double));

        /// <summary>The loss of <see cref="MeanSquaredError"/> and, for labelled data, the argmax accuracy.</summary>
        public GpMetrics Metrics(Dataset test)
        {
            var flat = _predictions.Length == 0 ? [] : MemoryMarshal.CreateReadOnlySpan(ref _predictions[0, 0], _predictions.Length);
            return new(MeanSquaredError.Of(flat, test.Targets, test.Count),
                test.Labels is null ? null : RegressionClassifier.Accuracy(_predictions, test.Labels));
        }
    }

    /// <summary>
    /// A Cholesky factorization of N in units of kernel entries for the progress: N³/3 flops at about 5,000 flops per entry
    /// of a shallow network's kernel, the two costs' ratio on a CPU.
    /// </summary>
    private static double FactorizationWork(int n) => (double)n * n * n / 15_000;

    /// <summary>Maps the 0..1 progress of each kernel computation (and factorization) onto its share of all the work.</summary>
    private sealed class KernelProgress(IProgress<double>? sink, double total)
    {
        private double _done;

        public IProgress<double>? Part(double entries)
        {
            if (sink is null) return null;
            double before = _done;
            _done += entries;
            return new Progress(f => sink.Report(Math.Min((before + f * entries) / total, 1.0)));
        }

        private sealed class Progress(Action<double> report) : IProgress<double>
        {
            public void Report(double value) => report(value);
        }
    }
}
