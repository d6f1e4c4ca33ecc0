using System.Globalization;
using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The coordinate check as mup draws it: one log-log panel per layer, the RMS of its pre-activations against width, one solid
/// line per step t = 0…k (dark to light) and dashed lines for their change since initialization (t ≥ 1), each labelled
/// with its slope. Flat lines: the coordinates neither grow nor vanish with width. File: coord-check.png/svg.
/// </summary>
public static class CoordinateCheckFigure
{
    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Draw(CoordinateCheckResult result, string title, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plots = new List<Plot>();
        for (int layer = 1; layer <= result.Layers.Count; layer++)
        {
            var plot = FigureCanvas.NewPlot($"{title}: {result.Layers[layer - 1]}", "width n", "RMS of pre-activations");
            for (int step = 0; step <= result.Steps; step++)
            {
                var color = FigureCanvas.Ordered(step, result.Steps + 1);
                Line(plot, result, layer, "preactivation", step, color, LinePattern.Solid, $"z, t = {step}");
                if (step > 0) Line(plot, result, layer, "preactivation_change", step, color, LinePattern.Dashed, $"Δz, t = {step}");
            }
            LogAxis.Apply(plot, logX: false, logY: true);
            LogAxis.Widths(plot, result.Widths);
            plot.ShowLegend(Alignment.LowerLeft);
            plots.Add(plot);
        }
        int columns = Math.Min(3, plots.Count), rows = (plots.Count + columns - 1) / columns;
        return FigureCanvas.SaveGrid(plots, columns, directory, "coord-check", 560 * columns, 460 * rows);
    }

    private static void Line(Plot plot, CoordinateCheckResult result, int layer, string quantity, int step, Color color, LinePattern pattern, string label)
    {
        var points = result.Sizes.Where(s => s.Layer == layer && s.Quantity == quantity && s.Step == step).OrderBy(s => s.Width).ToArray();
        if (points.Length == 0) return;
        var line = plot.Add.ScatterLine(LogAxis.Log10(points.Select(p => (double)p.Width)), LogAxis.Log10(points.Select(p => p.Rms)), color);
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 6;
        line.MarkerShape = MarkerShape.FilledCircle;
        var slope = result.Slopes.FirstOrDefault(s => s.Layer == layer && s.Quantity == quantity && s.Step == step);
        line.LegendText = slope is null ? label : string.Create(CultureInfo.InvariantCulture, $"{label}: n^{Math.Round(slope.Slope, 2):+0.00;−0.00;0.00}");
    }
}
