using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The eigenvalues of Θ̂₀ on the kernel examples against their index, log y, one line per width (mean over seeds
/// of the k-th largest), with the analytic Θ's spectrum from sweep.json when present. File: spectrum.png/svg.
/// </summary>
public static class SpectrumFigure
{
    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written (none when no run has a spectrum).</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, SweepInfo? info, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var widths = SweepSeries.ByWidth(runs).Select(g => (Width: g.Key, Runs: g.Where(r => r.Spectrum.Length > 0).ToArray()))
            .Where(g => g.Runs.Length > 0).ToArray();
        if (widths.Length == 0) return [];
        var plot = FigureCanvas.NewPlot("spectrum of the NTK at initialization", "eigenvalue index k", "eigenvalue λ_k");
        for (int i = 0; i < widths.Length; i++)
        {
            int count = widths[i].Runs.Min(r => r.Spectrum.Length);
            var mean = Enumerable.Range(0, count).Select(k => widths[i].Runs.Average(r => r.Spectrum[k])).ToArray();
            Line(plot, mean, FigureCanvas.Ordered(i, widths.Length), $"Θ̂₀, n = {widths[i].Width}", LinePattern.Solid);
        }
        if (info is { AnalyticSpectrum.Length: > 0 })
            Line(plot, info.AnalyticSpectrum, Colors.Black, "analytic Θ", LinePattern.Dashed);
        LogAxis.Apply(plot, logX: false, logY: true);
        plot.ShowLegend(Alignment.UpperRight);
        return FigureCanvas.Save(plot, directory, "spectrum", 800, 600);
    }

    private static void Line(Plot plot, double[] eigenvalues, Color color, string label, LinePattern pattern)
    {
        double floor = 1e-12 * eigenvalues.Max();   // round-off below this is not a positive eigenvalue
        var keep = Enumerable.Range(0, eigenvalues.Length).Where(k => eigenvalues[k] > floor).ToArray();
        var line = plot.Add.Scatter(keep.Select(k => k + 1.0).ToArray(), LogAxis.Log10(keep.Select(k => eigenvalues[k])), color);
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 4;
        line.LegendText = label;
    }
}
