using System.Globalization;
using LinearizationLab.Analytic;
using LinearizationLab.Inference;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The figure of <c>lab gp --search</c>: validation accuracy over (σ_w², σ_b²) for each depth (the best noise at each cell),
/// with the order–chaos line χ₁ = 1 of the recursion (Schoenholz et al. 2017; Lee et al. 2018, figure 4). File search.png.
/// </summary>
public static class GpSearchFigure
{
    /// <summary>Draws search.png/svg into <paramref name="directory"/>; nothing without two values on both variance axes.</summary>
    public static IReadOnlyList<string> Draw(GpSearchSpec search, IReadOnlyList<(int Depth, double W, double B, double Accuracy)> points, string directory)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(points);
        var w = search.WeightVariances.Distinct().Order().ToArray();
        var b = search.BiasVariances.Distinct().Order().ToArray();
        if (w.Length < 2 || b.Length < 2) return [];
        var recursion = b.SelectMany(bias => w.Select(weight => SignalPropagation.At(search.Activation, weight, bias, search.Depths.Max()))).ToArray();
        var critical = PhaseFigure.CriticalLine(recursion, w, b);
        var panels = search.Depths.Select(depth =>
        {
            var plot = FigureCanvas.NewPlot(string.Create(CultureInfo.InvariantCulture, $"{search.Activation.Name}, depth {depth}: validation accuracy"), "σ_w²", "σ_b²");
            var grid = new double[b.Length, w.Length];
            for (int r = 0; r < b.Length; r++)
                for (int c = 0; c < w.Length; c++)
                    grid[r, c] = points.Where(p => p.Depth == depth && p.W == w[c] && p.B == b[r]).Select(p => p.Accuracy)
                        .Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
            var map = plot.Add.Heatmap(grid);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.FlipVertically = true;
            double dw = (w[^1] - w[0]) / (w.Length - 1), db = (b[^1] - b[0]) / (b.Length - 1);
            map.Extent = new CoordinateRect(w[0] - dw / 2, w[^1] + dw / 2, b[0] - db / 2, b[^1] + db / 2);
            plot.Add.ColorBar(map);
            if (critical.Length >= 2)
            {
                var line = plot.Add.ScatterLine(critical.Select(p => p.W).ToArray(), critical.Select(p => p.B).ToArray(), Colors.Red);
                line.LineWidth = 2.5f;
                line.LinePattern = LinePattern.Dashed;
                line.LegendText = "χ₁ = 1";
                plot.ShowLegend(Alignment.UpperLeft);
            }
            plot.Axes.Margins(0, 0);
            return plot;
        }).ToArray();
        int columns = Math.Min(panels.Length, 3);
        return FigureCanvas.SaveGrid(panels, columns, directory, "search", 620 * columns, 520 * ((panels.Length + columns - 1) / columns));
    }
}
