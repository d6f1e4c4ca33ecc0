using System.Globalization;
using System.Text;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Experiments;
using LinearizationLab.Inference;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Plotting;

namespace LinearizationLab.Runs;

/// <summary>
/// <c>lab gp --search</c>: the NNGP hyperparameter search of Lee et al. 2018 on a validation split carved from the
/// training set (<see cref="GpSearchSpec"/>). For each (σ_w², σ_b²) one pass of the recursion through the deepest MLP gives
/// the kernels of every depth (<see cref="AnalyticKernels.ComputeAtLayers"/>); each depth and noise is then one Cholesky
/// on the remaining training examples, scored by validation accuracy (ties by MSE). The best point is refitted on the whole
/// training set and evaluated on the test set (<see cref="GpExperiment.Evaluate(ArchitectureSpec, Dataset, Dataset, double, TrainingTime, IProgress{double}?, CancellationToken)"/>). Writes search.csv (every point),
/// search.json (the choice and its test metrics) and search-DEPTH.png heatmaps of validation accuracy over (σ_w², σ_b²)
/// with the order–chaos line χ₁ = 1 of <see cref="SignalPropagation"/>.
/// </summary>
public static class GpSearch
{
    /// <summary>One scored grid point.</summary>
    public sealed record Point(int Depth, double WeightVariance, double BiasVariance, double Noise, double ValidationAccuracy, double ValidationMse);

    /// <summary>The search's outcome: every point, the chosen one, and the chosen network on the test set.</summary>
    public sealed record Result(IReadOnlyList<Point> Points, Point Best, GpResult Test, int FitSize, int ValidationSize);

    /// <summary>Runs the search of <paramref name="config"/> and writes its files into <paramref name="outputDirectory"/>.</summary>
    public static Result Execute(GpConfig config, string outputDirectory, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var search = config.Search ?? throw new InvalidInputException(config.File, "search", "is required for lab gp --search");
        var (train, test) = config.Data.Load();
        if (train.Labels is null) throw new InvalidInputException(config.File, config.Data.Path, "the search scores validation accuracy and needs class labels");
        if (test.Count == 0) throw new InvalidInputException(config.File, config.Data.Path, "the chosen point is evaluated on a test set (test_size ≥ 1)");
        if (search.ValidationSize >= train.Count)
            throw new InvalidInputException(config.File, "search.validation_size", $"must be below the training set's {train.Count} examples");

        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random((int)search.Seed).Shuffle(order);
        var validation = order.Take(search.ValidationSize).Order().ToArray();
        var fit = order.Skip(search.ValidationSize).Order().ToArray();
        var xFit = Rows(train, fit);
        var xAll = Rows(train, [.. fit, .. validation]);
        var yFit = Targets(train, fit);
        var labels = validation.Select(i => train.Labels[i]).ToArray();
        int nFit = fit.Length, o = train.OutputCount, maxDepth = search.Depths.Max();
        // In an MLP whose layers share σ_w², σ_b², dense layer d + 1 (index 2d) outputs the depth-d network's kernels.
        var taps = search.Depths.Select(d => 2 * d).ToArray();

        var points = new List<Point>();
        int total = search.WeightVariances.Length * search.BiasVariances.Length, done = 0;
        foreach (double b in search.BiasVariances)
        foreach (double w in search.WeightVariances)
        {
            cancel.ThrowIfCancellationRequested();
            var kernels = AnalyticKernels.ComputeAtLayers(Mlp(search.Activation, maxDepth, w, b, train.FeatureSize, o), xAll, xFit, taps, cancel);
            for (int t = 0; t < taps.Length; t++)
            {
                var kValidation = MatrixBlocks.Rows(kernels[t].Nngp, nFit, validation.Length);
                foreach (double noise in search.Noise)
                    points.Add(Score(search.Depths[t], w, b, noise, kernels[t].Nngp, nFit, kValidation, yFit, labels, train, validation));
            }
            kernels = null;
            GpExperiment.ReleaseMemory();   // this point's kernels (5.8 GB at N = 10⁴ with 4 depths) before the next point's
            progress?.Report(0.8 * ++done / total);
        }

        var best = points.Where(p => double.IsFinite(p.ValidationAccuracy))
            .OrderByDescending(p => p.ValidationAccuracy).ThenBy(p => p.ValidationMse).FirstOrDefault()
            ?? throw new InvalidOperationException("no grid point gave a positive-definite kernel; add noise to the search");
        var chosen = Mlp(search.Activation, best.Depth, best.WeightVariance, best.BiasVariance, train.FeatureSize, o);
        var testResult = GpExperiment.Evaluate(chosen, train, test, best.Noise, TrainingTime.Infinity,
            progress is null ? null : new ActionProgress<double>(f => progress.Report(0.8 + 0.2 * f)), cancel);
        var result = new Result(points, best, testResult, nFit, validation.Length);
        Write(outputDirectory, search, result);
        return result;
    }

    /// <summary>The validation score of one point: the posterior from the leading nFit × nFit block of <paramref name="kAll"/>.</summary>
    private static Point Score(int depth, double w, double b, double noise, double[,] kAll, int nFit, double[,] kValidation, double[,] yFit,
        int[] labels, Dataset train, int[] validation)
    {
        try
        {
            var posterior = new NngpPosterior(SymmetricTiles.FromLeadingBlock(kAll, nFit), yFit, noise);
            var mean = posterior.Mean(kValidation);
            double mse = MeanSquaredErrorOf(mean, train, validation);
            return new Point(depth, w, b, noise, RegressionClassifier.Accuracy(mean, labels), mse);
        }
        catch (ArgumentException)
        {
            return new Point(depth, w, b, noise, double.NaN, double.NaN);   // not positive definite at this noise
        }
    }

    /// <summary>½·mean over examples of ‖f − y‖² on the validation rows (the loss convention of the project).</summary>
    private static double MeanSquaredErrorOf(double[,] mean, Dataset train, int[] validation)
    {
        int o = train.OutputCount;
        double sum = 0;
        for (int i = 0; i < validation.Length; i++)
            for (int k = 0; k < o; k++)
            {
                double r = mean[i, k] - train.Targets[validation[i] * o + k];
                sum += r * r;
            }
        return 0.5 * sum / validation.Length;
    }

    private static void Write(string directory, GpSearchSpec search, Result result)
    {
        Directory.CreateDirectory(directory);
        var csv = new StringBuilder("depth,w_var,b_var,noise,validation_accuracy,validation_mse\n");
        foreach (var p in result.Points)
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Depth},{p.WeightVariance:R},{p.BiasVariance:R},{p.Noise:R},{p.ValidationAccuracy:R},{p.ValidationMse:R}"));
        AtomicFile.WriteAllText(Path.Combine(directory, "search.csv"), csv.ToString());
        var best = result.Best;
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["activation"] = search.Activation.Name,
            ["fit_size"] = result.FitSize,
            ["validation_size"] = result.ValidationSize,
            ["seed"] = search.Seed,
            ["best"] = new System.Text.Json.Nodes.JsonObject
            {
                ["depth"] = best.Depth, ["w_var"] = best.WeightVariance, ["b_var"] = best.BiasVariance, ["noise"] = best.Noise,
                ["validation_accuracy"] = best.ValidationAccuracy,
            },
            ["test"] = new System.Text.Json.Nodes.JsonObject
            {
                ["train_size"] = result.Test.TrainSize, ["test_size"] = result.Test.TestSize,
                ["nngp_test_accuracy"] = result.Test.Nngp.TestAccuracy, ["nngp_test_mse"] = result.Test.Nngp.TestMse,
                ["ntk_test_accuracy"] = result.Test.Ntk.TestAccuracy, ["ntk_test_mse"] = result.Test.Ntk.TestMse,
            },
        };
        AtomicFile.WriteAllText(Path.Combine(directory, "search.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        GpSearchFigure.Draw(search, result.Points.Select(p => (p.Depth, p.WeightVariance, p.BiasVariance, p.ValidationAccuracy)).ToArray(), directory);
    }

    private static double[,] Rows(Dataset data, int[] indices) => Gather(data.Inputs, data.FeatureSize, indices);

    private static double[,] Targets(Dataset data, int[] indices) => Gather(data.Targets, data.OutputCount, indices);

    /// <summary>Rows <paramref name="indices"/> of a row-major matrix of <paramref name="width"/> columns.</summary>
    private static double[,] Gather(double[] rowMajor, int width, int[] indices)
    {
        var rows = new double[indices.Length, width];
        for (int r = 0; r < indices.Length; r++)
            Buffer.BlockCopy(rowMajor, indices[r] * width * sizeof(double), rows, r * width * sizeof(double), width * sizeof(double));
        return rows;
    }

    /// <summary>d → [dense, φ] × depth → dense O, every layer with σ_w², σ_b² (NTK parameterization; widths do not enter the kernels).</summary>
    public static ArchitectureSpec Mlp(Activation phi, int depth, double weightVariance, double biasVariance, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(phi);
        double w = Math.Sqrt(weightVariance), b = Math.Sqrt(biasVariance);
        var layers = new List<Layer>();
        for (int l = 0; l < depth; l++)
        {
            layers.Add(new DenseLayer(512, w, b));
            layers.Add(new ActivationLayer(phi));
        }
        layers.Add(new DenseLayer(outputs, w, b));
        return new ArchitectureSpec([inputs], Parameterization.Ntk, layers);
    }
}
