using System.Globalization;
using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Test accuracy against width (Lee et al. 2020, "Finite versus infinite neural networks", Fig. 1), or test loss (log scale)
/// for a regression set, from the comparison table (<see cref="SweepComparison"/>): the network (mean over seeds, with a ±1
/// standard deviation band over seeds for accuracy), the ensemble of its seeds and the linearization where the sweep has them, the NTK-GP at the same time,
/// and the infinite-width predictors as horizontal lines (NTK-GP at t = ∞, NNGP posterior). The left panel is the last
/// checkpoint, the right one the best checkpoint of each run (early stopping). A <c>center</c> grid axis is drawn inside
/// the panel (centered models dashed with open markers); every other grid point gets its own row of panels.
/// File: comparison.png/svg.
/// </summary>
public static class WidthComparisonFigure
{
    /// <summary>The figure's file name (without extension).</summary>
    public const string FileName = "comparison";

    private sealed record Series(string Label, Color Color, Func<WidthComparison, TestScore?> Last, Func<WidthComparison, TestScore?> Best, bool Band);

    private static readonly Series[] Finite =
    [
        new("network", Colors.C0, r => r.Network, r => r.NetworkBest, true),
        new("ensemble", Colors.C1, r => r.Ensemble, r => r.EnsembleBest, false),
        new("linearization", Colors.C2, r => r.Linearized, r => r.LinearizedBest, false),
        new("NTK-GP at the same t", Colors.C3, r => r.NtkGp, r => r.NtkGpBest, false),
    ];

    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written (none when no point has two widths).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<WidthComparison> rows, string directory)
    {
        ArgumentNullException.ThrowIfNull(rows);
        bool accuracy = rows.Any(r => r.Network?.Accuracy is not null);
        var plots = new List<Plot>();
        foreach (var group in rows.GroupBy(r => WithoutCenter(r.Point).Label))
        {
            var members = group.ToArray();
            if (members.Select(r => r.Width).Distinct().Count() < 2) continue;
            plots.Add(Panel(members, group.Key, accuracy, best: false));
            plots.Add(Panel(members, group.Key, accuracy, best: true));
        }
        if (plots.Count == 0) return [];
        return FigureCanvas.SaveGrid(plots, 2, directory, FileName, 1900, 650 * (plots.Count / 2));
    }

    private static GridPoint WithoutCenter(GridPoint point) => new([.. point.Values.Where(v => v.Axis != "center")]);

    private static Plot Panel(IReadOnlyList<WidthComparison> rows, string label, bool accuracy, bool best)
    {
        string quantity = accuracy ? "test accuracy" : "test loss";
        string when = best ? "best over checkpoints" : $"at step {rows.Max(r => r.Step)}";
        var plot = FigureCanvas.NewPlot((label.Length == 0 ? "" : label + ": ") + $"{quantity}, {when}", "width n", quantity);
        double? Value(TestScore? s) => accuracy ? s?.Accuracy : s?.Loss;
        double? Spread(TestScore? s) => accuracy ? s?.AccuracySd : s?.LossSd;
        double Y(double v) => accuracy ? v : Math.Log10(v);
        var widths = rows.Select(r => r.Width).Distinct().Order().ToArray();
        double[] ends = [Math.Log10(widths[0]), Math.Log10(widths[^1])];
        double pad = 0.06 * (ends[1] - ends[0]);
        bool gpDrawn = false;
        foreach (var centered in rows.GroupBy(r => r.Point["center"] == "true").OrderBy(g => g.Key))
        {
            var byWidth = centered.OrderBy(r => r.Width).ToArray();
            foreach (var series in Finite)
            {
                // The NTK-GP has prior mean 0 with or without centering: one line for both.
                if (series.Label.StartsWith("NTK-GP", StringComparison.Ordinal) && gpDrawn) continue;
                var points = byWidth.Select(r => (r.Width, Score: best ? series.Best(r) : series.Last(r)))
                    .Where(p => Value(p.Score) is { } v && double.IsFinite(v) && (accuracy || v > 0)).ToArray();
                if (points.Length == 0) continue;
                gpDrawn |= series.Label.StartsWith("NTK-GP", StringComparison.Ordinal);
                var x = points.Select(p => Math.Log10(p.Width)).ToArray();
                if (accuracy && series.Band && points.All(p => Spread(p.Score) is not null) && points.Length >= 2)
                {
                    var band = plot.Add.FillY(x, points.Select(p => Y(Value(p.Score)!.Value - Spread(p.Score)!.Value)).ToArray(),
                        points.Select(p => Y(Value(p.Score)!.Value + Spread(p.Score)!.Value)).ToArray());
                    band.FillColor = series.Color.WithAlpha(0.15);
                    band.LineColor = Colors.Transparent;
                }
                var line = plot.Add.Scatter(x, points.Select(p => Y(Value(p.Score)!.Value)).ToArray(), series.Color);
                line.LineWidth = 2;
                line.MarkerSize = 8;
                line.MarkerShape = centered.Key ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
                if (centered.Key) line.LinePattern = LinePattern.Dashed;
                string members = series.Label == "ensemble" && byWidth.FirstOrDefault(r => r.EnsembleMembers is not null)?.EnsembleMembers is { } k
                    ? $" of {k}" : "";
                line.LegendText = series.Label.StartsWith("NTK-GP", StringComparison.Ordinal) ? series.Label
                    : series.Label + members + (centered.Key ? ", centered" : "");
            }
        }
        foreach (var (name, score, color, pattern) in new[]
                 {
                     ("NTK-GP, t = ∞", rows.Select(r => r.NtkGpInfinity).FirstOrDefault(s => s is not null), Colors.Gray, LinePattern.Dashed),
                     ("NNGP posterior", rows.Select(r => r.Nngp).FirstOrDefault(s => s is not null), Colors.Black, LinePattern.Dotted),
                 })
        {
            if (Value(score) is not { } v || !double.IsFinite(v) || (!accuracy && v <= 0)) continue;
            var line = plot.Add.ScatterLine(new[] { ends[0] - pad, ends[1] + pad }, new[] { Y(v), Y(v) }, color);
            line.LinePattern = pattern;
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name} ({v:G3})");
        }
        LogAxis.Apply(plot, logX: false, logY: !accuracy);
        plot.Axes.SetLimitsX(ends[0] - pad, ends[1] + pad);
        LogAxis.Widths(plot, widths);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
