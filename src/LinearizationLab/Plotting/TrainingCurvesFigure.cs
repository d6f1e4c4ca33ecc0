using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Metrics against training step, one line per width (mean over seeds), log-log where steps &gt; 0 and
/// values are positive: training-kernel_drift, training-output_rmse_test, training-weight_change (PNG and SVG).
/// </summary>
public static class TrainingCurvesFigure
{
    /// <summary>The metrics drawn, one figure each.</summary>
    public static readonly string[] Metrics = [SweepMetrics.KernelDrift, SweepMetrics.OutputRmseTest, SweepMetrics.WeightChange];

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
                var (steps, means) = SweepSeries.MeanCurve([.. widths[i]], metric);
                var keep = Enumerable.Range(0, steps.Length).Where(k => steps[k] > 0 && means[k] > 0).ToArray();
                if (keep.Length == 0) continue;
                var line = plot.Add.Scatter(LogAxis.Log10(keep.Select(k => steps[k])), LogAxis.Log10(keep.Select(k => means[k])),
                    FigureCanvas.Ordered(i, widths.Length));
                line.LineWidth = 2;
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
}
