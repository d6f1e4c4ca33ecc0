using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Metrics against training step, one line per width (mean over seeds), log-log where steps &gt; 0 and
/// values are positive: training-kernel_drift, training-output_rmse_test, training-weight_change (PNG and SVG).
/// </summary>
public static class TrainingCurvesFigure
{
    /// <summary>The metrics drawn, one figure each.</summary>
    public static readonly string[] Metrics = [KernelDriftMetric.Name, OutputGapMetric.RmseTest, WeightChangeMetric.Name];

    /// <summary>Draws the figures into <paramref name="directory"/>; returns the files written (a metric no run has is skipped).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var files = new List<string>();
        var widths = SweepSeries.ByWidth(runs);
        foreach (string metric in Metrics)
        {
            var plot = FigureCanvas.NewPlot(SweepSeries.Title(metric) + " during training", "step", metric);
            int drawn = 0;
            for (int i = 0; i < widths.Length; i++)
            {
                if (AddMeanCurve(plot, [.. widths[i]], metric, FigureCanvas.Ordered(i, widths.Length)) is not { } line) continue;
                line.MarkerSize = 5;
                line.LegendText = $"n = {widths[i].Key}";
                drawn++;
            }
            if (drawn == 0) continue;
            LogAxis.Apply(plot, logX: true, logY: true);
            plot.ShowLegend(Alignment.UpperLeft);
            files.AddRange(FigureCanvas.Save(plot, directory, "training-" + metric, 800, 600));
        }
        return files;
    }

    /// <summary>
    /// The mean over <paramref name="runs"/> of <paramref name="metric"/> against step on log-log axes (steps &gt; 0 and
    /// positive means only), a line of width 2 in <paramref name="color"/>; null when no point is left.
    /// </summary>
    internal static ScottPlot.Plottables.Scatter? AddMeanCurve(Plot plot, IReadOnlyList<SweepRunResult> runs, string metric, Color color)
    {
        var (steps, means) = SweepSeries.MeanCurve(runs, metric);
        var keep = Enumerable.Range(0, steps.Length).Where(k => steps[k] > 0 && means[k] > 0).ToArray();
        if (keep.Length == 0) return null;
        var line = plot.Add.Scatter(LogAxis.Log10(keep.Select(k => steps[k])), LogAxis.Log10(keep.Select(k => means[k])), color);
        line.LineWidth = 2;
        return line;
    }
}
