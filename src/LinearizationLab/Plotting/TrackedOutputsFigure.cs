using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The outputs of a few tracked test points over training — network f_t (solid), linearization f_lin,t (dashed) and
/// the NTK-GP mean μ_t (dotted, MSE only) — for the smallest and the largest width, first seed (Lee et al. 2019,
/// Fig. 1): the curves coincide as n grows. File: tracked-outputs.png/svg.
/// </summary>
public static class TrackedOutputsFigure
{
    /// <summary>Most test points drawn per panel.</summary>
    public const int MaxPoints = 4;

    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written (none when no run tracked outputs).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var tracked = SweepSeries.Finished(runs).Where(r => r.TrackedIndices.Length > 0
                && r.TrackedNetwork.Length == r.Checkpoints.Count && r.TrackedLinearized.Length == r.Checkpoints.Count)
            .OrderBy(r => r.Width).ThenBy(r => r.Seed).ToArray();
        if (tracked.Length == 0) return [];
        var smallest = tracked[0];
        var largest = tracked.Where(r => r.Width == tracked[^1].Width).First();
        var panels = smallest.Width == largest.Width ? new[] { largest } : [smallest, largest];
        var plots = panels.Select(Panel).ToArray();
        return FigureCanvas.SaveGrid(plots, plots.Length, directory, "tracked-outputs", 700 * plots.Length, 600);
    }

    private static Plot Panel(SweepRunResult run)
    {
        var plot = FigureCanvas.NewPlot($"n = {run.Width}, seed {run.Seed}", "step", "output f(x) on test points");
        var steps = run.Checkpoints.Select(c => c.Step).ToArray();
        var keep = Enumerable.Range(0, steps.Length).Where(k => steps[k] > 0).ToArray();
        double[] x = LogAxis.Log10(keep.Select(k => (double)steps[k]));
        bool hasGp = run.TrackedNtkGp.Length == run.Checkpoints.Count;
        int points = Math.Min(MaxPoints, run.TrackedIndices.Length);
        for (int p = 0; p < points; p++)
        {
            var color = Palette(p);
            Line(plot, x, keep.Select(k => run.TrackedNetwork[k][p]), color, LinePattern.Solid, 2.5f);
            Line(plot, x, keep.Select(k => run.TrackedLinearized[k][p]), color, LinePattern.Dashed, 2.5f);
            if (hasGp) Line(plot, x, keep.Select(k => run.TrackedNtkGp[k][p]), color, LinePattern.Dotted, 2f);
        }
        plot.Legend.ManualItems.Add(Item("network f", LinePattern.Solid));
        plot.Legend.ManualItems.Add(Item("linearized f_lin", LinePattern.Dashed));
        if (hasGp) plot.Legend.ManualItems.Add(Item("NTK-GP mean", LinePattern.Dotted));
        LogAxis.Apply(plot, logX: true, logY: false);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static void Line(Plot plot, double[] x, IEnumerable<double> y, Color color, LinePattern pattern, float width)
    {
        var line = plot.Add.ScatterLine(x, y.ToArray(), color);
        line.LinePattern = pattern;
        line.LineWidth = width;
    }

    private static LegendItem Item(string label, LinePattern pattern) => new()
    {
        LabelText = label, LineColor = Colors.Black, LinePattern = pattern, LineWidth = 2,
    };

    private static Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);
}
