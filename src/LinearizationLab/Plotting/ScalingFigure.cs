using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Each fitted metric against width n on log-log axes at the last checkpoint: one point per seed, the mean per
/// width, the power-law fit A·n^α of <see cref="ScalingFit"/> with its 95% interval, and reference slopes
/// n^−1/2 (Lee et al. 2019) and n^−1 (Dyer &amp; Gur-Ari 2019) anchored at the smallest width's mean.
/// Files: scaling-METRIC.png/svg per metric and scaling.png/svg, a 2×2 grid of <see cref="MainMetrics"/>.
/// </summary>
public static class ScalingFigure
{
    /// <summary>The metrics of the combined figure scaling.png.</summary>
    public static readonly string[] MainMetrics =
        [KernelDriftMetric.Name, OutputGapMetric.RmseTest, WeightChangeMetric.Name, NtkInitDistanceMetric.Name];

    /// <summary>Draws the figures into <paramref name="directory"/>; returns the files written (none when fewer than two widths).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var summary = SweepSummary.Build(runs);
        var files = new List<string>();
        foreach (var fit in summary.Fits)
            if (Panel(runs, fit) is { } plot)
                files.AddRange(FigureCanvas.Save(plot, directory, "scaling-" + fit.Metric, 800, 600));
        var main = MainMetrics.Select(m => summary.Fits.FirstOrDefault(f => f.Metric == m))
            .OfType<ScalingFit>().Select(f => Panel(runs, f)).OfType<Plot>().ToArray();
        if (main.Length > 0)
            files.AddRange(FigureCanvas.SaveGrid(main, main.Length == 1 ? 1 : 2, directory, "scaling",
                main.Length == 1 ? 800 : 1400, main.Length <= 2 ? 600 : 1100));
        return files;
    }

    private static Plot? Panel(IReadOnlyList<SweepRunResult> runs, ScalingFit fit)
    {
        var samples = SweepSeries.Finals(runs, fit.Metric).Where(s => s.Value > 0).ToArray();
        var means = samples.GroupBy(s => s.Width).OrderBy(g => g.Key).Select(g => (Width: g.Key, Mean: g.Average(s => s.Value))).ToArray();
        if (means.Length < 2) return null;
        int step = SweepSeries.FinalStep(runs);
        var plot = FigureCanvas.NewPlot($"{SweepSeries.Title(fit.Metric)} at step {step}", "width n", fit.Metric);

        var seeds = plot.Add.ScatterPoints(LogAxis.Log10(samples.Select(s => (double)s.Width)), LogAxis.Log10(samples.Select(s => s.Value)));
        seeds.MarkerSize = 7;
        seeds.MarkerShape = MarkerShape.OpenCircle;
        seeds.Color = Colors.Gray;
        seeds.LegendText = "each seed";

        double[] logN = LogAxis.Log10(means.Select(m => (double)m.Width));
        var mean = plot.Add.ScatterPoints(logN, LogAxis.Log10(means.Select(m => m.Mean)));
        mean.MarkerSize = 11;
        mean.MarkerShape = MarkerShape.FilledCircle;
        mean.Color = Colors.Black;
        mean.LegendText = "mean over seeds";

        double[] ends = [logN[0], logN[^1]];
        var line = plot.Add.ScatterLine(ends, ends.Select(x => Math.Log10(fit.Prefactor) + fit.Slope * x).ToArray(), Colors.C0);
        line.LineWidth = 2.5f;
        line.LegendText = string.Create(CultureInfo.InvariantCulture,
            $"fit n^{fit.Slope:F2}, 95% [{fit.SlopeLow:F2}, {fit.SlopeHigh:F2}]");
        Reference(plot, ends, Math.Log10(means[0].Mean), -0.5, "n^−1/2", LinePattern.Dashed, Colors.C1);
        Reference(plot, ends, Math.Log10(means[0].Mean), -1.0, "n^−1", LinePattern.Dotted, Colors.C2);

        LogAxis.Apply(plot, logX: false, logY: true);
        var limits = plot.Axes.GetLimits();
        double pad = 0.06 * (logN[^1] - logN[0]);
        plot.Axes.SetLimitsX(logN[0] - pad, logN[^1] + pad);
        plot.Axes.SetLimitsY(limits.Bottom, limits.Top);
        LogAxis.Widths(plot, means.Select(m => m.Width));
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    private static void Reference(Plot plot, double[] ends, double anchor, double slope, string label, LinePattern pattern, Color color)
    {
        var line = plot.Add.ScatterLine(ends, ends.Select(x => anchor + slope * (x - ends[0])).ToArray(), color);
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
