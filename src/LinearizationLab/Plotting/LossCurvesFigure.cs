using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Losses of the network, its linearization and the NTK-GP mean (train solid, test dashed) against step at the
/// largest width, mean over seeds, log-log. File: losses.png/svg; skipped when no run recorded a loss.
/// </summary>
public static class LossCurvesFigure
{
    private static readonly (string Model, string Label)[] Models =
        [(NetworkLossAndAccuracyMetric.ModelName, "network"), (LinearizedLossAndAccuracyMetric.ModelName, "linearized"), (NtkGpLossAndAccuracyMetric.ModelName, "NTK-GP")];

    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var widths = SweepSeries.ByWidth(runs);
        if (widths.Length == 0) return [];
        var largest = widths[^1];
        var plot = FigureCanvas.NewPlot($"loss at width n = {largest.Key} (mean over {largest.Count()} seeds)", "step", "loss ½·mean‖f − y‖²");
        int drawn = 0;
        for (int m = 0; m < Models.Length; m++)
        foreach (var (split, pattern) in new[] { ("train", LinePattern.Solid), ("test", LinePattern.Dashed) })
        {
            var (steps, means) = SweepSeries.MeanCurve([.. largest], LossAndAccuracyMetric.NameOf(Models[m].Model, "loss", split));
            var keep = Enumerable.Range(0, steps.Length).Where(k => steps[k] > 0 && means[k] > 0).ToArray();
            if (keep.Length == 0) continue;
            var line = plot.Add.Scatter(LogAxis.Log10(keep.Select(k => steps[k])), LogAxis.Log10(keep.Select(k => means[k])),
                new ScottPlot.Palettes.Category10().GetColor(m));
            line.LinePattern = pattern;
            line.LineWidth = m == 2 ? 2f : 2.5f;
            line.MarkerSize = m == 1 ? 7 : 5;
            line.MarkerShape = m == 1 ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
            line.LegendText = $"{Models[m].Label}, {split}";
            drawn++;
        }
        if (drawn == 0) return [];
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.LowerLeft);
        return FigureCanvas.Save(plot, directory, "losses", 800, 600);
    }
}
