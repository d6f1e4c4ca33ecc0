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
            var grid = new double[b.Length, w.Length];
            for (int r = 0; r < b.Length; r++)
                for (int c = 0; c < w.Length; c++)
                    grid[r, c] = points.Where(p => p.Depth == depth && p.W == w[c] && p.B == b[r]).Select(p => p.Accuracy)
                        .Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
            return PhaseFigure.VarianceMap(string.Create(CultureInfo.InvariantCulture, $"{search.Activation.Name}, depth {depth}: validation accuracy"),
                grid, w, b, new ScottPlot.Colormaps.Viridis(), critical);
        }).ToArray();
        int columns = Math.Min(panels.Length, 3);
        return FigureCanvas.SaveGrid(panels, columns, directory, "search", 620 * columns, 520 * ((panels.Length + columns - 1) / columns));
    }
}
