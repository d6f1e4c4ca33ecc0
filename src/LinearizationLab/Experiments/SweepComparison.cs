using System.Globalization;
using System.Text;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Experiments;

/// <summary>
/// The sweep's comparison table, comparison.csv: one row per grid point and width (<see cref="WidthComparison"/>) with the
/// test loss and accuracy of the network, the linearization, the ensemble (where the sweep has one), the NTK-GP at the same
/// time, each at the last checkpoint and at the best one, and the NTK-GP at t = ∞ and the NNGP posterior. Built from the run
/// files and ensemble.csv alone, so a merged or resumed sweep gives the same table.
/// </summary>
public static class SweepComparison
{
    /// <summary>The table's file name in a sweep's folder.</summary>
    public const string FileName = "comparison.csv";

    /// <summary>The models of the table in column order, with whether their columns carry a standard deviation over seeds.</summary>
    private static readonly (string Model, bool Spread, Func<WidthComparison, TestScore?> Score)[] Models =
    [
        ("network", true, r => r.Network), ("network_best", true, r => r.NetworkBest),
        ("linearized", true, r => r.Linearized), ("linearized_best", true, r => r.LinearizedBest),
        ("ensemble", false, r => r.Ensemble), ("ensemble_best", false, r => r.EnsembleBest),
        ("ntkgp", false, r => r.NtkGp), ("ntkgp_best", false, r => r.NtkGpBest),
        (InfiniteWidthTestMetric.NtkGpInfinityModel, false, r => r.NtkGpInfinity), (InfiniteWidthTestMetric.NngpModel, false, r => r.Nngp),
    ];

    /// <summary>
    /// The rows of <paramref name="runs"/>, by grid point and width in sweep order; <paramref name="ensemble"/> are the rows of
    /// ensemble.csv (null or empty: no ensemble columns). Diverged runs are left out; a width none of whose runs finished has no row.
    /// </summary>
    public static IReadOnlyList<WidthComparison> Build(IReadOnlyList<SweepRunResult> runs, IReadOnlyList<EnsembleCheckpoint>? ensemble = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var rows = new List<WidthComparison>();
        foreach (var group in runs.Where(r => !r.Diverged && r.Checkpoints.Count > 0)
                     .GroupBy(r => (r.GridPoint, r.Width)).OrderBy(g => g.Key.GridPoint, GridPoint.Order).ThenBy(g => g.Key.Width))
        {
            var finished = group.ToArray();
            int step = finished.Max(r => r.Checkpoints[^1].Step);
            var last = finished.Select(r => r.Checkpoints[^1]).ToArray();
            var members = (ensemble ?? []).Where(e => e.Point == group.Key.GridPoint.Label && e.Width == group.Key.Width).ToArray();
            var final = members.Where(e => e.Step == members.Max(m => m.Step)).ToArray();
            rows.Add(new WidthComparison(group.Key.GridPoint, group.Key.Width, step, finished.Length)
            {
                Network = Mean(last, NetworkLossAndAccuracyMetric.ModelName),
                NetworkBest = Best(finished, NetworkLossAndAccuracyMetric.ModelName),
                Linearized = Mean(last, LinearizedLossAndAccuracyMetric.ModelName),
                LinearizedBest = Best(finished, LinearizedLossAndAccuracyMetric.ModelName),
                EnsembleMembers = final.Length == 0 ? null : final[0].Members,
                Ensemble = final.Length == 0 ? null : new TestScore(final[0].TestLoss, final[0].TestAccuracy),
                EnsembleBest = members.Length == 0 ? null : new TestScore(members.Min(m => m.TestLoss), members.Max(m => m.TestAccuracy)),
                NtkGp = Mean(last, NtkGpLossAndAccuracyMetric.ModelName),
                NtkGpBest = Best(finished, NtkGpLossAndAccuracyMetric.ModelName),
                NtkGpInfinity = Mean(last, InfiniteWidthTestMetric.NtkGpInfinityModel) is { } infinity ? infinity with { LossSd = null, AccuracySd = null } : null,
                Nngp = Mean(last, InfiniteWidthTestMetric.NngpModel) is { } nngp ? nngp with { LossSd = null, AccuracySd = null } : null,
            });
        }
        return rows;
    }

    /// <summary>Writes comparison.csv of the runs in <paramref name="directory"/> (with its ensemble.csv when present); returns the rows.</summary>
    public static IReadOnlyList<WidthComparison> Write(string directory)
    {
        var rows = Build(SweepStore.ReadAll(directory), SweepEnsemble.Read(directory));
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), Csv(rows));
        return rows;
    }

    /// <summary>
    /// comparison.csv: the grid axes (if any), width, seeds, step, ensemble_members, then for each model its test loss and
    /// accuracy ("{model}_test_loss", "{model}_test_accuracy"; with "_sd" columns for the models averaged over seeds), empty
    /// where a value does not exist.
    /// </summary>
    public static string Csv(IReadOnlyList<WidthComparison> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        static string V(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        var axes = SweepGrid.AxisNames.Where(a => rows.Any(r => r.Point[a] is not null)).ToArray();
        var header = axes.Concat(["width", "seeds", "step", "ensemble_members"]).Concat(Models.SelectMany(m => m.Spread
            ? new[] { $"{m.Model}_test_loss", $"{m.Model}_test_loss_sd", $"{m.Model}_test_accuracy", $"{m.Model}_test_accuracy_sd" }
            : [$"{m.Model}_test_loss", $"{m.Model}_test_accuracy"]));
        var sb = new StringBuilder(string.Join(",", header)).Append('\n');
        foreach (var r in rows)
        {
            var cells = axes.Select(a => r.Point[a] ?? "").Concat([r.Width.ToString(CultureInfo.InvariantCulture),
                r.Seeds.ToString(CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture),
                r.EnsembleMembers?.ToString(CultureInfo.InvariantCulture) ?? ""]);
            foreach (var (_, spread, score) in Models)
            {
                var s = score(r);
                cells = cells.Concat(spread ? [V(s?.Loss), V(s?.LossSd), V(s?.Accuracy), V(s?.AccuracySd)] : new[] { V(s?.Loss), V(s?.Accuracy) });
            }
            sb.AppendJoin(',', cells).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The comparison as a table of text for people (the terminal, the report): the grid point, the width and seeds, then one
    /// column per predictor that any row has — network (± s.d. over seeds), its best checkpoint, linearization, ensemble, NTK-GP at
    /// the same t, NTK-GP at t = ∞, NNGP — holding the test accuracy in percent when the set has labels, else the test loss.
    /// </summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Table(IReadOnlyList<WidthComparison> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        bool accuracy = HasAccuracy(rows);
        string Cell(TestScore? s)
        {
            double? value = accuracy ? s?.Accuracy * 100 : s?.Loss, sd = accuracy ? s?.AccuracySd * 100 : s?.LossSd;
            if (value is not double v) return "";
            string text = accuracy ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture);
            return sd is double d ? text + " ± " + (accuracy ? d.ToString("0.0", CultureInfo.InvariantCulture) : d.ToString("G2", CultureInfo.InvariantCulture)) : text;
        }
        (string Name, Func<WidthComparison, TestScore?> Score)[] columns =
        [
            ("network", r => r.Network), ("network, best step", r => r.NetworkBest), ("linearization", r => r.Linearized),
            ("ensemble", r => r.Ensemble), ("NTK-GP at t", r => r.NtkGp), ("NTK-GP, t = ∞", r => r.NtkGpInfinity), ("NNGP", r => r.Nngp),
        ];
        var shown = columns.Where(c => rows.Any(r => Cell(c.Score(r)) != "")).ToArray();
        bool grid = rows.Any(r => !r.Point.IsOrigin);
        var header = (grid ? new[] { "grid point" } : []).Concat(["width", "seeds"]).Concat(shown.Select(c => c.Name)).ToArray();
        var body = rows.Select(r => (IReadOnlyList<string>)(grid ? new[] { r.Point.Label } : [])
            .Concat([r.Width.ToString(CultureInfo.InvariantCulture), r.Seeds.ToString(CultureInfo.InvariantCulture)])
            .Concat(shown.Select(c => Cell(c.Score(r)))).ToArray()).ToArray();
        return (header, body);
    }

    /// <summary>What <see cref="Table"/>'s cells hold: "test accuracy (%)" or "test loss".</summary>
    public static string TableQuantity(IReadOnlyList<WidthComparison> rows) => HasAccuracy(rows) ? "test accuracy (%)" : "test loss";

    /// <summary>
    /// Whether the table is worth showing people (the terminal, the report): its predictors can be told apart by test
    /// accuracy, or the sweep has an ensemble. A regression sweep without one has its slope table instead.
    /// </summary>
    public static bool WorthShowing(IReadOnlyList<WidthComparison> rows) => HasAccuracy(rows) || rows.Any(r => r.Ensemble is not null);

    private static bool HasAccuracy(IReadOnlyList<WidthComparison> rows) => rows.Any(r => r.Network?.Accuracy is not null);

    /// <summary><see cref="Table"/> as aligned plain text under a title line naming the quantity and the step.</summary>
    public static string Text(IReadOnlyList<WidthComparison> rows)
    {
        var (header, body) = Table(rows);
        var widths = header.Select((h, i) => Math.Max(h.Length, body.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"finite vs infinite: {TableQuantity(rows)} at the last checkpoint (step {rows.Select(r => r.Step).DefaultIfEmpty(0).Max()}), mean ± s.d. over seeds");
        void Line(IReadOnlyList<string> cells) =>
            sb.AppendLine(string.Join("  ", cells.Select((c, i) => i < (header[0] == "grid point" ? 1 : 0) ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        Line(header);
        foreach (var r in body) Line(r);
        return sb.ToString();
    }

    /// <summary>The mean over <paramref name="checkpoints"/> of <paramref name="model"/>'s test loss and accuracy; null when none has them.</summary>
    private static TestScore? Mean(IEnumerable<SweepCheckpoint> checkpoints, string model) =>
        TestScore.Mean([.. checkpoints.Select(c => Score(c, model)).OfType<TestScore>()]);

    /// <summary>The mean over runs of each run's lowest test loss and highest test accuracy over its checkpoints.</summary>
    private static TestScore? Best(IEnumerable<SweepRunResult> runs, string model) =>
        TestScore.Mean([.. runs.Select(r =>
        {
            var scores = r.Checkpoints.Select(c => Score(c, model)).OfType<TestScore>().ToArray();
            var losses = scores.Select(s => s.Loss).OfType<double>().Where(double.IsFinite).ToArray();
            var accuracies = scores.Select(s => s.Accuracy).OfType<double>().Where(double.IsFinite).ToArray();
            return losses.Length == 0 && accuracies.Length == 0 ? null
                : new TestScore(losses.Length == 0 ? null : losses.Min(), accuracies.Length == 0 ? null : accuracies.Max());
        }).OfType<TestScore>()]);

    /// <summary><paramref name="model"/>'s finite test loss and accuracy at one checkpoint; null when it recorded neither.</summary>
    private static TestScore? Score(SweepCheckpoint c, string model)
    {
        double? Finite(string quantity) => c[LossAndAccuracyMetric.NameOf(model, quantity, "test")] is { } v && double.IsFinite(v) ? v : null;
        var (loss, accuracy) = (Finite("loss"), Finite("accuracy"));
        return loss is null && accuracy is null ? null : new TestScore(loss, accuracy);
    }
}
