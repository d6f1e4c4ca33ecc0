using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Sweeps over a grid: a metric at the last checkpoint over two varying axes (width and the grid's axes with more than one
/// value; the first two are drawn, one panel per combination of the others), the mean over finished seeds on a log₁₀
/// colour scale, each cell labelled with its value, cells where every seed diverged marked "div" in red and cells with
/// some diverged seeds with the count. Files: grid-METRIC.png/svg for kernel_drift, the test (or train) output gap,
/// weight_change and whatever of <see cref="ExtraMetrics"/> the runs have.
/// </summary>
public static class GridHeatmapFigure
{
    /// <summary>Further metrics drawn when present (the learning-rate phase diagram's).</summary>
    public static readonly string[] ExtraMetrics = [LossRiseMetric.Name, TopEigenvalueRatioMetric.Name];

    /// <summary>Draws the heatmaps into <paramref name="directory"/>; returns the files written (none without two varying axes).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var axes = VaryingAxes(runs);
        if (axes.Count < 2) return [];
        bool test = runs.Any(r => r.Checkpoints.Any(c => c[OutputGapMetric.RmseTest] is not null));
        string[] metrics = [KernelDriftMetric.Name, test ? OutputGapMetric.RmseTest : OutputGapMetric.RmseTrain, WeightChangeMetric.Name,
            .. ExtraMetrics.Where(m => runs.Any(r => r.Checkpoints.Count > 0 && r.Checkpoints[^1][m] is not null))];
        var (x, y) = (axes[0], axes[1]);
        var slices = runs.GroupBy(r => string.Join(", ", axes.Skip(2).Select(a => $"{a.Name}={Value(r, a.Name)}"))).ToArray();
        var files = new List<string>();
        foreach (string metric in metrics)
        {
            var panels = slices.Take(6).Select(slice => Panel(slice.ToArray(), metric, x, y, slice.Key)).ToArray();
            files.AddRange(FigureCanvas.SaveGrid(panels, Math.Min(panels.Length, 2), directory, "grid-" + metric,
                panels.Length == 1 ? 900 : 1600, 650 * ((panels.Length + 1) / 2)));
        }
        return files;
    }

    /// <summary>
    /// With a learning_rate_fraction axis: the network's training loss against step at the largest width, one line per
    /// η/η_crit (mean over finished seeds; diverged runs drawn up to where they stopped, dashed), log-log: grid-loss-curves.
    /// </summary>
    public static IReadOnlyList<string> LossCurves(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var fractions = VaryingAxes(runs).FirstOrDefault(a => a.Name == "learning_rate_fraction").Values;
        if (fractions is null) return [];
        int widest = runs.Max(r => r.Width);
        var plot = FigureCanvas.NewPlot($"network training loss, n = {widest}", "step", "loss (train)");
        for (int i = 0; i < fractions.Length; i++)
        {
            var group = runs.Where(r => r.Width == widest && r.Point?.GetValueOrDefault("learning_rate_fraction") == fractions[i]).ToArray();
            if (group.Length == 0) continue;
            string name = LossAndAccuracyMetric.NameOf(NetworkLossAndAccuracyMetric.ModelName, "loss", "train");
            var points = group.SelectMany(r => r.Checkpoints).Where(c => c.Step > 0 && c[name] is double loss && double.IsFinite(loss) && loss > 0)
                .GroupBy(c => c.Step).OrderBy(g => g.Key).Select(g => (Step: (double)g.Key, Loss: g.Average(c => c[name]!.Value))).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(LogAxis.Log10(points.Select(p => p.Step)), LogAxis.Log10(points.Select(p => p.Loss)),
                FigureCanvas.Ordered(i, fractions.Length));
            line.LineWidth = 2;
            line.MarkerSize = 4;
            if (group.Any(r => r.Diverged)) line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"η/η_crit = {fractions[i]}{(group.Any(r => r.Diverged) ? " (diverged)" : "")}";
        }
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.LowerLeft);
        return FigureCanvas.Save(plot, directory, "grid-loss-curves", 900, 650);
    }

    /// <summary>The axes with more than one value, width first, then the grid's in their order, with their values sorted.</summary>
    public static IReadOnlyList<(string Name, string[] Values)> VaryingAxes(IReadOnlyList<SweepRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var axes = new List<(string, string[])>();
        foreach (string name in SweepGrid.AxisNames.Prepend("width"))
        {
            var values = runs.Select(r => Value(r, name)).OfType<string>().Distinct().ToArray();
            if (values.Length < 2) continue;
            axes.Add((name, values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                ? values.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()
                : values.Order(StringComparer.Ordinal).ToArray()));
        }
        return axes;
    }

    private static string? Value(SweepRunResult run, string axis) =>
        axis == "width" ? run.Width.ToString(CultureInfo.InvariantCulture) : run.Point?.GetValueOrDefault(axis);

    private static Plot Panel(SweepRunResult[] runs, string metric, (string Name, string[] Values) x, (string Name, string[] Values) y, string slice)
    {
        int step = SweepSeries.FinalStep(runs);
        var plot = FigureCanvas.NewPlot($"{SweepSeries.Title(metric)} at step {step}{(slice.Length > 0 ? $", {slice}" : "")}", x.Name, y.Name);
        var grid = new double[y.Values.Length, x.Values.Length];
        var labels = new List<(int Col, int Row, string Text, bool Diverged)>();
        for (int row = 0; row < y.Values.Length; row++)
        for (int col = 0; col < x.Values.Length; col++)
        {
            var cell = runs.Where(r => Value(r, x.Name) == x.Values[col] && Value(r, y.Name) == y.Values[row]).ToArray();
            var values = cell.Where(r => !r.Diverged && r.Checkpoints.Count > 0 && r.Checkpoints[^1].Step == step)
                .Select(r => r.Checkpoints[^1][metric]).OfType<double>().Where(v => double.IsFinite(v) && v > 0).ToArray();
            int diverged = cell.Count(r => r.Diverged);
            grid[row, col] = values.Length > 0 ? Math.Log10(values.Average()) : double.NaN;
            string text = values.Length > 0 ? values.Average().ToString("G2", CultureInfo.InvariantCulture) : cell.Length == 0 ? "" : "div";
            if (diverged > 0 && values.Length > 0) text += $" ({diverged} div)";
            labels.Add((col, row, text, diverged > 0));
        }
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.FlipVertically = true;
        map.Extent = new CoordinateRect(-0.5, x.Values.Length - 0.5, -0.5, y.Values.Length - 0.5);
        var bar = plot.Add.ColorBar(map);
        bar.Label = $"log₁₀ {metric}";
        var finite = grid.Cast<double>().Where(double.IsFinite).ToArray();
        double lo = finite.Length > 0 ? finite.Min() : 0, hi = finite.Length > 0 ? finite.Max() : 1;
        foreach (var (col, row, text, diverged) in labels)
        {
            var label = plot.Add.Text(text, col, row);
            label.LabelFontSize = 10;
            label.LabelAlignment = Alignment.MiddleCenter;
            bool light = double.IsFinite(grid[row, col]) && hi > lo && (grid[row, col] - lo) / (hi - lo) > 0.6;   // Viridis turns yellow
            label.LabelFontColor = diverged ? Colors.Red : light ? Colors.Black : Colors.White;
            label.LabelBold = diverged;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, x.Values.Length).Select(i => (double)i).ToArray(), x.Values);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, y.Values.Length).Select(i => (double)i).ToArray(), y.Values);
        plot.Axes.SetLimits(-0.5, x.Values.Length - 0.5, -0.5, y.Values.Length - 0.5);
        return plot;
    }
}
