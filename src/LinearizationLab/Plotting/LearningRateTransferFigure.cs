using System.Globalization;
using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Tensor Programs V's Fig. 1 for a sweep with a learning_rate axis: final training loss against η on a log axis, one line per
/// width (dark to light), the best η of each width marked, one panel per value of the other axes (e.g. standard vs μP).
/// File: lr-transfer.png/svg.
/// </summary>
public static class LearningRateTransferFigure
{
    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written (none without a learning_rate axis).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        var curves = LearningRateTransfer.Curves(runs);
        if (curves.Count == 0) return [];
        var best = LearningRateTransfer.Best(runs);
        var plots = new List<Plot>();
        foreach (var slice in curves.GroupBy(p => p.Slice))
        {
            var plot = FigureCanvas.NewPlot(slice.Key.Length == 0 ? "final training loss" : slice.Key, "learning rate η", "final training loss");
            var widths = slice.Select(p => p.Width).Distinct().Order().ToArray();
            for (int i = 0; i < widths.Length; i++)
            {
                var points = slice.Where(p => p.Width == widths[i] && double.IsFinite(p.Loss)).ToArray();
                if (points.Length == 0) continue;
                var color = FigureCanvas.Ordered(i, widths.Length);
                var line = plot.Add.ScatterLine(LogAxis.Log10(points.Select(p => p.LearningRate)), LogAxis.Log10(points.Select(p => p.Loss)), color);
                line.LineWidth = 2;
                line.MarkerSize = 6;
                var b = best.First(p => p.Slice == slice.Key && p.Width == widths[i]);
                line.LegendText = string.Create(CultureInfo.InvariantCulture, $"n = {widths[i]}: best η = {b.LearningRate:G3}");
                var mark = plot.Add.ScatterPoints(new[] { Math.Log10(b.LearningRate) }, new[] { Math.Log10(b.Loss) }, color);
                mark.MarkerShape = MarkerShape.OpenCircle;
                mark.MarkerSize = 16;
            }
            LogAxis.Apply(plot, logX: true, logY: true);
            plot.ShowLegend(Alignment.UpperLeft);
            plots.Add(plot);
        }
        return FigureCanvas.SaveGrid(plots, Math.Min(2, plots.Count), directory, "lr-transfer", plots.Count == 1 ? 900 : 1600,
            650 * ((plots.Count + 1) / 2));
    }
}
