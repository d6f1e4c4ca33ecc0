using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Sweeps with a depth axis: metrics at the last checkpoint against the aspect ratio L/n (depth over width), log-log, one
/// colour per depth, mean over seeds with the seed-to-seed standard deviation as a bar, and one power law fitted to every
/// (L, n) cell (least squares of log mean on log L/n). Hanin &amp; Nica (2019): the NTK's fluctuations at initialization grow
/// with L/n (relative variance ≈ e^(5L/n) − 1 for ReLU, so the distance to the limit ∝ (L/n)^1/2 while L/n is small), and
/// so does its change in training. File: depth-width.png/svg (ntk_init_distance and kernel_drift).
/// </summary>
public static class DepthWidthFigure
{
    /// <summary>The metrics drawn, one panel each.</summary>
    public static readonly string[] Metrics = [NtkInitDistanceMetric.Name, KernelDriftMetric.Name];

    /// <summary>
    /// Draws the figure into <paramref name="directory"/>; returns the files written (none without a depth axis and two widths).
    /// When the grid has other axes too (e.g. <c>residual_scale_exponent</c>), one figure per combination of their values:
    /// depth-width-AXISVALUE….png, since a law in L/n is fitted within one setting of everything else.
    /// </summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var files = new List<string>();
        foreach (var group in SweepSeries.Finished(runs).Where(r => r.Point?.ContainsKey("depth") == true).GroupBy(OtherAxes))
        {
            var finished = group.ToArray();
            var depths = finished.Select(Depth).Distinct().Order().ToArray();
            if (depths.Length < 2 || finished.Select(r => r.Width).Distinct().Count() < 2) continue;
            var panels = Metrics.Select(m => Panel(finished, depths, m, group.Key)).OfType<Plot>().ToArray();
            if (panels.Length > 0)
                files.AddRange(FigureCanvas.SaveGrid(panels, panels.Length, directory, "depth-width" + group.Key, 800 * panels.Length, 650));
        }
        return files;
    }

    /// <summary>The run's grid values other than depth as a file-name suffix, "-residual_scale_exponent0.5" (empty when depth is the only axis).</summary>
    private static string OtherAxes(SweepRunResult r) =>
        string.Concat(r.GridPoint.Values.Where(v => v.Axis != "depth").Select(v => $"-{v.Axis}{v.Value}"));

    /// <summary>The fitted exponent α and prefactor A of metric ≈ A·(L/n)^α over every (depth, width) cell's seed mean.</summary>
    public static (double Exponent, double Prefactor, int Cells)? Fit(IReadOnlyList<SweepRunResult> runs, string metric)
    {
        var cells = Cells(SweepSeries.Finished(runs).Where(r => r.Point?.ContainsKey("depth") == true).ToArray(), metric);
        if (cells.Length < 3) return null;
        var (slope, intercept) = ScalingFit.LeastSquares(cells.Select(c => Math.Log(c.Ratio)).ToArray(), cells.Select(c => Math.Log(c.Mean)).ToArray());
        return (slope, Math.Exp(intercept), cells.Length);
    }

    private static int Depth(SweepRunResult r) => int.Parse(r.Point!["depth"], CultureInfo.InvariantCulture);

    private static (int Depth, double Ratio, double Mean, double Spread)[] Cells(SweepRunResult[] runs, string metric) =>
        runs.Where(r => r.Checkpoints.Count > 0).GroupBy(r => (Depth: Depth(r), r.Width)).Select(g =>
        {
            var values = g.Select(r => r.Checkpoints[^1][metric]).OfType<double>().Where(v => double.IsFinite(v) && v > 0).ToArray();
            double mean = values.Length == 0 ? double.NaN : values.Average();
            double spread = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            return (g.Key.Depth, (double)g.Key.Depth / g.Key.Width, mean, spread);
        }).Where(c => double.IsFinite(c.Item3)).ToArray();

    private static Plot? Panel(SweepRunResult[] runs, int[] depths, string metric, string otherAxes)
    {
        var cells = Cells(runs, metric);
        if (cells.Length < 3) return null;
        string setting = otherAxes.Length == 0 ? "" : $" ({otherAxes.TrimStart('-')})";
        var plot = FigureCanvas.NewPlot($"{SweepSeries.Title(metric)} against depth/width{setting}", "L/n", metric);
        for (int i = 0; i < depths.Length; i++)
        {
            var mine = cells.Where(c => c.Depth == depths[i]).OrderBy(c => c.Ratio).ToArray();
            if (mine.Length == 0) continue;
            var color = FigureCanvas.Ordered(i, depths.Length);
            foreach (var c in mine.Where(c => c.Spread > 0 && c.Mean - c.Spread > 0))
            {
                var bar = plot.Add.ScatterLine(new[] { Math.Log10(c.Ratio), Math.Log10(c.Ratio) }, new[] { Math.Log10(c.Mean - c.Spread), Math.Log10(c.Mean + c.Spread) }, color);
                bar.LineWidth = 1.5f;
            }
            var line = plot.Add.Scatter(LogAxis.Log10(mine.Select(c => c.Ratio)), LogAxis.Log10(mine.Select(c => c.Mean)), color);
            line.LineWidth = 1.5f;
            line.MarkerSize = 8;
            line.LegendText = $"L = {depths[i]}";
        }
        if (Fit(runs, metric) is { } fit)
        {
            double lo = cells.Min(c => c.Ratio), hi = cells.Max(c => c.Ratio);
            double[] ends = [Math.Log10(lo), Math.Log10(hi)];
            var line = plot.Add.ScatterLine(ends, ends.Select(x => Math.Log10(fit.Prefactor) + fit.Exponent * x).ToArray(), Colors.Red);
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"fit ∝ (L/n)^{fit.Exponent:F2}");
        }
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
