using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// Heatmaps of a corner of the empirical NTK at initialization Θ̂₀ and after training Θ̂ₜ (largest width,
/// first seed) and of the analytic Θ from sweep.json when present, on one color scale. File: kernels.png/svg.
/// </summary>
public static class KernelHeatmapFigure
{
    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written (none when no run stored a kernel corner).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, SweepInfo? info, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var run = SweepSeries.Finished(runs).Where(r => r.KernelInitial.Length > 0)
            .OrderByDescending(r => r.Width).ThenBy(r => r.Seed).FirstOrDefault();
        if (run is null) return [];
        var panels = new List<(string Title, double[,] Kernel)> { ($"Θ̂₀, n = {run.Width}, seed {run.Seed}", ToMatrix(run.KernelInitial)) };
        if (run.KernelFinal.Length == run.KernelInitial.Length)
            panels.Add(($"Θ̂ₜ after {run.Checkpoints[^1].Step} steps", ToMatrix(run.KernelFinal)));
        if (info is { AnalyticNtk.Length: > 0 })
        {
            int size = Math.Min(info.AnalyticNtk.Length, run.KernelInitial.Length);
            panels.Add(("analytic Θ (n → ∞)", ToMatrix(info.AnalyticNtk[..size].Select(row => row[..size]).ToArray())));
        }
        var all = panels.SelectMany(p => p.Kernel.Cast<double>()).Where(double.IsFinite).ToArray();
        var range = new ScottPlot.Range(all.Min(), all.Max());
        var plots = panels.Select(p =>
        {
            var plot = FigureCanvas.NewPlot(p.Title, "example j", "example i");
            var map = plot.Add.Heatmap(p.Kernel);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.ManualRange = range;
            plot.Add.ColorBar(map);
            map.FlipVertically = true;   // row i at y = i, so both axes read as example indices
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Axes.Margins(0, 0);
            return plot;
        }).ToArray();
        return FigureCanvas.SaveGrid(plots, plots.Length, directory, "kernels", 560 * plots.Length, 520);
    }

    private static double[,] ToMatrix(double[][] rows)
    {
        int n = rows.Length, m = n == 0 ? 0 : rows[0].Length;
        var a = new double[n, m];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            a[i, j] = rows[i][j];
        return a;
    }
}
