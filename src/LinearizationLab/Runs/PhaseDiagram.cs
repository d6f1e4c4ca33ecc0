using System.Globalization;
using System.Text;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Plotting;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Runs;

/// <summary>
/// <c>lab phase</c>: the order–chaos phase diagram of a deep MLP from the analytic recursion (<see cref="SignalPropagation"/>)
/// over a (σ_w², σ_b²) grid, written as DIR/phase.csv and figures; optionally a trainability grid measured on MNIST
/// (training accuracy after a fixed number of GD steps, for a few depths over the σ_w² grid at one σ_b²), drawn with
/// the trainable depth 6ξ_c of the recursion (Schoenholz et al. 2017).
/// </summary>
public static class PhaseDiagram
{
    /// <summary>The table's file name.</summary>
    public const string TableFileName = "phase.csv";

    /// <summary>The trainability table's file name.</summary>
    public const string TrainabilityFileName = "trainability.csv";

    /// <summary>The signal-propagation quantities at every grid point, σ_b² outer and σ_w² inner; reports the fraction done.</summary>
    public static SignalPropagationPoint[] Compute(Activation phi, IReadOnlyList<double> weightVariances, IReadOnlyList<double> biasVariances,
        int depth, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(weightVariances);
        ArgumentNullException.ThrowIfNull(biasVariances);
        if (depth < 1) throw new InvalidInputException("command line", "--depth", $"must be at least 1 (got {depth})");
        var points = new List<SignalPropagationPoint>();
        int total = weightVariances.Count * biasVariances.Count;
        foreach (double b in biasVariances)
        foreach (double w in weightVariances)
        {
            cancel.ThrowIfCancellationRequested();
            points.Add(SignalPropagation.At(phi, w, b, depth));
            progress?.Report((double)points.Count / total);
        }
        return points.ToArray();
    }

    /// <summary>phase.csv: one row per grid point with every quantity of <see cref="SignalPropagationPoint"/>.</summary>
    public static string Table(IEnumerable<SignalPropagationPoint> points)
    {
        var sb = new StringBuilder("w_var,b_var,q_star,c_star,chi1,chi_c,chi_q,xi_q,xi_q_fit,xi_c,xi_c_fit,ntk_diagonal,ntk_correlation,ntk_growth\n");
        foreach (var p in points)
        {
            double[] values = [p.WeightVariance, p.BiasVariance, p.QStar, p.CStar, p.Chi1, p.ChiC, p.ChiQ, p.XiQ, p.XiQFit, p.XiC, p.XiCFit,
                p.NtkDiagonal, p.NtkCorrelation, p.NtkGrowth];
            sb.AppendLine(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        return sb.ToString();
    }

    /// <summary>One measured cell of the trainability grid.</summary>
    public sealed record TrainabilityCell(int Depth, double WeightVariance, double BiasVariance, double TrainAccuracy, bool Diverged);

    /// <summary>
    /// Trains, for every depth and σ_w², an MLP 784 → [width, φ] × depth → 10 (NTK parameterization, σ_b² =
    /// <paramref name="biasVariance"/>, readout σ_w² = 1) on <paramref name="examples"/> MNIST images (standardized, one-hot
    /// targets −0.1/0.9) by full-batch GD on MSE at η_crit/2 of its own Θ̂0 for <paramref name="steps"/> steps, float32, seed 0;
    /// returns the training accuracy of each. η_crit adapts the step to each network's kernel, so what is measured is
    /// whether the kernel's other directions train, not whether the step happens to be stable.
    /// </summary>
    public static TrainabilityCell[] Trainability(Activation phi, IReadOnlyList<double> weightVariances, double biasVariance,
        IReadOnlyList<int> depths, int width, int examples, int steps, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(depths);
        ArgumentNullException.ThrowIfNull(weightVariances);
        var dataSpec = DataSpec.Read(JsonSection.Parse(string.Create(CultureInfo.InvariantCulture,
            $$"""{"source": "mnist", "train_size": {{examples}}, "subset": "random", "seed": 0, "normalize": "standardize", "one_hot": [-0.1, 0.9]}"""),
            "lab phase --trainability"));
        var cells = new List<TrainabilityCell>();
        int total = depths.Count * weightVariances.Count;
        var (train, _) = dataSpec.LoadFor(Mlp(phi, 1, biasVariance, 1, width));   // the same images for every cell
        foreach (int depth in depths)
        foreach (double w in weightVariances)
        {
            cancel.ThrowIfCancellationRequested();
            var arch = Mlp(phi, w, biasVariance, depth, width);
            using var scope = NewDisposeScope();
            using var network = Network.Create(arch, 0, new TensorSettings(ScalarType.Float32, CPU));
            using var data = TrainingData.From(train, null, new TensorSettings(ScalarType.Float32, CPU));
            var optimizer = new OptimizerSpec(0, CriticalFraction: 0.5).WithCriticalLearningRate(CriticalLearningRate.Of(new EmpiricalNtk(network), data.X));
            var result = new Trainer(new TrainingOptions(new MeanSquaredError(), optimizer, steps, [steps], 0)).Train(network, data, cancel: cancel);
            double accuracy = result.Diverged || result.Checkpoints.Count == 0 ? double.NaN : result.Checkpoints[^1].TrainAccuracy ?? double.NaN;
            cells.Add(new TrainabilityCell(depth, w, biasVariance, accuracy, result.Diverged));
            progress?.Report((double)cells.Count / total);
        }
        return cells.ToArray();
    }

    /// <summary>trainability.csv: depth, σ_w², σ_b², training accuracy, diverged.</summary>
    public static string TrainabilityTable(IEnumerable<TrainabilityCell> cells)
    {
        var sb = new StringBuilder("depth,w_var,b_var,train_accuracy,diverged\n");
        foreach (var c in cells)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Depth},{c.WeightVariance:R},{c.BiasVariance:R},{c.TrainAccuracy:R},{(c.Diverged ? 1 : 0)}"));
        return sb.ToString();
    }

    /// <summary>Writes phase.csv (and trainability.csv) and the figures into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string directory, Activation phi, int depth, IReadOnlyList<SignalPropagationPoint> points,
        IReadOnlyList<TrainabilityCell>? trainability)
    {
        ArgumentNullException.ThrowIfNull(points);
        Directory.CreateDirectory(directory);
        var files = new List<string> { Path.Combine(directory, TableFileName) };
        AtomicFile.WriteAllText(files[0], Table(points));
        if (trainability is not null)
        {
            files.Add(Path.Combine(directory, TrainabilityFileName));
            AtomicFile.WriteAllText(files[^1], TrainabilityTable(trainability));
        }
        files.AddRange(PhaseFigure.Draw(phi.Name, depth, points, trainability?.Select(c => (c.Depth, c.WeightVariance, c.TrainAccuracy)).ToArray(),
            trainability is { Count: > 0 } ? SignalPropagationFor(phi, trainability) : null, directory));
        return files;
    }

    /// <summary>The recursion at the trainability grid's σ_b² over a fine σ_w² grid (for the 6ξ_c curve).</summary>
    private static SignalPropagationPoint[] SignalPropagationFor(Activation phi, IReadOnlyList<TrainabilityCell> cells)
    {
        double lo = cells.Min(c => c.WeightVariance), hi = cells.Max(c => c.WeightVariance), b = cells[0].BiasVariance;
        int depth = cells.Max(c => c.Depth);
        return Enumerable.Range(0, 121).Select(i => SignalPropagation.At(phi, lo + (hi - lo) * i / 120, b, Math.Max(depth, 4))).ToArray();
    }

    private static ArchitectureSpec Mlp(Activation phi, double weightVariance, double biasVariance, int depth, int width)
    {
        string w = Math.Sqrt(weightVariance).ToString("R", CultureInfo.InvariantCulture), b = Math.Sqrt(biasVariance).ToString("R", CultureInfo.InvariantCulture);
        var layers = Enumerable.Repeat($$"""{"type": "dense", "width": {{width}}, "w_std": {{w}}, "b_std": {{b}}}, {"type": "{{phi.Name}}"}""", depth);
        return ArchitectureReader.Read(JsonSection.Parse(
            $$"""{"input_shape": [784], "parameterization": "ntk", "layers": [{{string.Join(", ", layers)}}, {"type": "dense", "width": 10, "w_std": 1.0, "b_std": 0.0}]}""",
            "lab phase --trainability"));
    }
}
