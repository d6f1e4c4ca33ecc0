using System.Globalization;
using LinearizationLab.Analytic;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The figures of <c>lab phase</c>: phase-diagram (the correlation depth scale ξ_c on a log colour scale over (σ_w², σ_b²)
/// and the NTK's correlation Θ(x, x′)/Θ(x, x) at the given depth, each with the order–chaos line χ₁ = 1), and with a
/// measured trainability grid, trainability (training accuracy by colour at each (σ_w², depth), with the trainable depth
/// 6ξ_c of the recursion; Schoenholz et al. 2017, figure 6).
/// </summary>
public static class PhaseFigure
{
    /// <summary>ξ_c is drawn between these bounds (∞ at χ = 1 is clipped to the top).</summary>
    private const double MinXi = 0.1, MaxXi = 1e4;

    /// <summary>Draws the figures into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Draw(string activation, int depth, IReadOnlyList<SignalPropagationPoint> points,
        IReadOnlyList<(int Depth, double WeightVariance, double Accuracy)>? trainability, IReadOnlyList<SignalPropagationPoint>? line,
        string directory)
    {
        ArgumentNullException.ThrowIfNull(points);
        var files = new List<string>();
        var w = points.Select(p => p.WeightVariance).Distinct().Order().ToArray();
        var b = points.Select(p => p.BiasVariance).Distinct().Order().ToArray();
        if (w.Length >= 2 && b.Length >= 2)
        {
            var xi = Panel(points, w, b, p => Math.Log10(Math.Clamp(p.XiC, MinXi, MaxXi)),
                $"{activation}: log₁₀ ξ_c (correlation depth scale)", new ScottPlot.Colormaps.Viridis());
            var ntk = Panel(points, w, b, p => p.NtkCorrelation,
                $"{activation}: NTK correlation Θ(x,x′)/Θ(x,x) at depth {depth}", new ScottPlot.Colormaps.Viridis());
            files.AddRange(FigureCanvas.SaveGrid([xi, ntk], 2, directory, "phase-diagram", 1500, 620));
        }
        if (trainability is { Count: > 0 })
            files.AddRange(FigureCanvas.Save(Trainability(activation, trainability, line), directory, "trainability", 850, 620));
        return files;
    }

    private static Plot Panel(IReadOnlyList<SignalPropagationPoint> points, double[] w, double[] b, Func<SignalPropagationPoint, double> value,
        string title, IColormap colormap)
    {
        var grid = new double[b.Length, w.Length];
        foreach (var p in points)
            grid[Array.IndexOf(b, p.BiasVariance), Array.IndexOf(w, p.WeightVariance)] = value(p);
        return VarianceMap(title, grid, w, b, colormap, CriticalLine(points, w, b));
    }

    /// <summary>
    /// A heatmap over (σ_w², σ_b²) — <paramref name="grid"/>[σ_b² index, σ_w² index], cells centred on the grid values — with
    /// its colour bar and, when it has two points or more, the order–chaos line χ₁ = 1 dashed in red.
    /// </summary>
    internal static Plot VarianceMap(string title, double[,] grid, double[] w, double[] b, IColormap colormap, (double W, double B)[] critical)
    {
        var plot = FigureCanvas.NewPlot(title, "σ_w²", "σ_b²");
        var map = plot.Add.Heatmap(grid);
        map.Colormap = colormap;
        map.FlipVertically = true;
        double dw = (w[^1] - w[0]) / (w.Length - 1), db = (b[^1] - b[0]) / (b.Length - 1);
        map.Extent = new CoordinateRect(w[0] - dw / 2, w[^1] + dw / 2, b[0] - db / 2, b[^1] + db / 2);
        plot.Add.ColorBar(map);
        if (critical.Length >= 2)
        {
            var curve = plot.Add.ScatterLine(critical.Select(c => c.W).ToArray(), critical.Select(c => c.B).ToArray(), Colors.Red);
            curve.LineWidth = 3;
            curve.LinePattern = LinePattern.Dashed;
            curve.LegendText = "χ₁ = 1";
            plot.ShowLegend(Alignment.UpperLeft);
        }
        plot.Axes.Margins(0, 0);
        return plot;
    }

    /// <summary>For each σ_b², the σ_w² where χ₁ crosses 1 (linear interpolation between neighbouring grid points).</summary>
    public static (double W, double B)[] CriticalLine(IReadOnlyList<SignalPropagationPoint> points, double[] w, double[] b)
    {
        var line = new List<(double, double)>();
        foreach (double bias in b)
        {
            var row = points.Where(p => p.BiasVariance == bias).OrderBy(p => p.WeightVariance).ToArray();
            for (int i = 1; i < row.Length; i++)
            {
                double c0 = row[i - 1].Chi1 - 1, c1 = row[i].Chi1 - 1;
                if (!double.IsFinite(c0) || !double.IsFinite(c1) || c0 > 0 || c1 < 0 || c0 == c1) continue;
                line.Add((row[i - 1].WeightVariance + (row[i].WeightVariance - row[i - 1].WeightVariance) * -c0 / (c1 - c0), bias));
                break;
            }
        }
        return line.ToArray();
    }

    private static Plot Trainability(string activation, IReadOnlyList<(int Depth, double WeightVariance, double Accuracy)> cells,
        IReadOnlyList<SignalPropagationPoint>? line)
    {
        var plot = FigureCanvas.NewPlot($"{activation}: training accuracy (colour, 0 dark → 1 light) and 6ξ_c", "σ_w²", "depth L");
        var colormap = new ScottPlot.Colormaps.Viridis();
        foreach (var (depth, w, accuracy) in cells)
        {
            var marker = plot.Add.Marker(w, Math.Log10(depth));
            marker.MarkerSize = 26;
            marker.MarkerShape = double.IsFinite(accuracy) ? MarkerShape.FilledSquare : MarkerShape.Cross;
            marker.Color = double.IsFinite(accuracy) ? colormap.GetColor(Math.Clamp(accuracy, 0, 1)) : Colors.Red;
            var label = plot.Add.Text(double.IsFinite(accuracy) ? accuracy.ToString("F2", CultureInfo.InvariantCulture) : "div", w, Math.Log10(depth));
            label.LabelFontSize = 9;
            label.LabelFontColor = accuracy > 0.6 ? Colors.Black : Colors.White;
            label.LabelAlignment = Alignment.MiddleCenter;
        }
        if (line is { Count: > 0 })
        {
            var xs = line.Where(p => double.IsFinite(p.XiC) && p.XiC > 0).ToArray();
            var curve = plot.Add.ScatterLine(xs.Select(p => p.WeightVariance).ToArray(), xs.Select(p => Math.Log10(Math.Min(6 * p.XiC, 1e4))).ToArray(), Colors.Red);
            curve.LineWidth = 2.5f;
            curve.LegendText = "6ξ_c (trainable depth)";
            plot.ShowLegend(Alignment.UpperRight);
        }
        int[] depths = cells.Select(c => c.Depth).Distinct().Order().ToArray();
        double lo = Math.Log10(depths[0]) - 0.25, hi = Math.Log10(depths[^1]) + 0.35;
        plot.Axes.Left.SetTicks(depths.Select(d => Math.Log10(d)).ToArray(), depths.Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsY(lo, hi);
        return plot;
    }
}
