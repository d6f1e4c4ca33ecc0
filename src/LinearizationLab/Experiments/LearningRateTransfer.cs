using System.Globalization;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Experiments;

/// <summary>
/// μTransfer's question (Yang et al. 2022, "Tensor Programs V", Fig. 1) asked of a sweep with a <c>learning_rate</c> grid axis:
/// the network's final training loss against η for each width, and the η with the lowest mean loss over seeds per width — per
/// value of the grid's other axes (e.g. the parameterization). Where the best η stays put as the width grows, it transfers.
/// </summary>
/// <param name="Slice">The other axes' values, e.g. "parameterization=mup" ("" without others).</param>
/// <param name="Width">The width n.</param>
/// <param name="LearningRate">η.</param>
/// <param name="Loss">The mean final training loss over the seeds that did not diverge (NaN when all did).</param>
public sealed record LearningRateTransfer(string Slice, int Width, double LearningRate, double Loss)
{
    /// <summary>The network's training loss, the curve's y.</summary>
    public static string Metric => LossAndAccuracyMetric.NameOf(NetworkLossAndAccuracyMetric.ModelName, "loss", "train");

    /// <summary>Every (slice, width, η) point of <paramref name="runs"/> (empty without a learning_rate axis).</summary>
    public static IReadOnlyList<LearningRateTransfer> Curves(IReadOnlyList<SweepRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (!runs.Any(r => r.Point?.ContainsKey("learning_rate") == true)) return [];
        return runs.Where(r => r.Point is not null && r.Point.ContainsKey("learning_rate"))
            .GroupBy(r => (Slice: SliceOf(r), r.Width, Rate: double.Parse(r.Point!["learning_rate"], CultureInfo.InvariantCulture)))
            .Select(g =>
            {
                var losses = g.Where(r => !r.Diverged && r.Checkpoints.Count > 0).Select(r => r.Checkpoints[^1][Metric])
                    .OfType<double>().Where(double.IsFinite).ToArray();
                return new LearningRateTransfer(g.Key.Slice, g.Key.Width, g.Key.Rate, losses.Length == 0 ? double.NaN : losses.Average());
            })
            .OrderBy(p => p.Slice, StringComparer.Ordinal).ThenBy(p => p.Width).ThenBy(p => p.LearningRate).ToArray();
    }

    /// <summary>Per slice and width, the point with the lowest finite loss.</summary>
    public static IReadOnlyList<LearningRateTransfer> Best(IReadOnlyList<SweepRunResult> runs) =>
        Curves(runs).Where(p => double.IsFinite(p.Loss)).GroupBy(p => (p.Slice, p.Width))
            .Select(g => g.MinBy(p => p.Loss)!).ToArray();

    private static string SliceOf(SweepRunResult run) =>
        string.Join(", ", run.Point!.Where(p => p.Key != "learning_rate").OrderBy(p => Array.IndexOf(SweepGrid.AxisNames, p.Key)).Select(p => $"{p.Key}={p.Value}"));
}
