using LinearizationLab.Experiments;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The 1-D toy (data source toy1d) as in Lee et al. 2019, Fig. 2: mean ± 2σ over seeds of the trained finite
/// networks' test outputs at the largest width next to the NTK-GP band at the same training time, and the NTK-GP
/// at t = ∞ next to the NNGP posterior band, with the training points marked. File: toy1d-bands.png/svg;
/// skipped without sweep.json predictions or for another data source.
/// </summary>
public static class PredictiveBandsFigure
{
    /// <summary>Draws the figure into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, SweepInfo? info, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (info is null || !info.HasPredictions || info.DataSource != "toy1d") return [];
        int m = info.TestInputs.Length;
        var widths = SweepSeries.ByWidth(runs);
        var ensemble = widths.Length == 0 ? [] : widths[^1].Where(r => r.FinalTestNetwork.Length == m).ToArray();
        if (ensemble.Length == 0 || info.NtkGpMeanFinal.Length != m || info.NngpMean.Length != m) return [];

        var order = Enumerable.Range(0, m).OrderBy(i => info.TestInputs[i]).ToArray();
        double[] x = order.Select(i => info.TestInputs[i]).ToArray();
        double[] Sorted(double[] v) => order.Select(i => v[i]).ToArray();
        var mean = Enumerable.Range(0, m).Select(i => ensemble.Average(r => r.FinalTestNetwork[i])).ToArray();
        var std = Enumerable.Range(0, m).Select(i => ensemble.Length < 2 ? 0
            : Math.Sqrt(ensemble.Sum(r => Math.Pow(r.FinalTestNetwork[i] - mean[i], 2)) / (ensemble.Length - 1))).ToArray();

        var left = FigureCanvas.NewPlot($"step {info.Steps}: {ensemble.Length} networks of width {widths[^1].Key} vs NTK-GP", "x", "f(x)");
        Band(left, x, Sorted(info.NtkGpMeanFinal), Sorted(info.NtkGpStdFinal), Colors.C0, "NTK-GP at step T, mean ± 2σ");
        Band(left, x, Sorted(mean), Sorted(std), Colors.C1, "trained networks, mean ± 2σ");
        var right = FigureCanvas.NewPlot("infinite width: NTK-GP at t = ∞ and NNGP posterior", "x", "f(x)");
        Band(right, x, Sorted(info.NtkGpMeanInfinite), Sorted(info.NtkGpStdInfinite), Colors.C0, "NTK-GP t = ∞, mean ± 2σ");
        Band(right, x, Sorted(info.NngpMean), Sorted(info.NngpStd), Colors.C2, "NNGP posterior, mean ± 2σ");

        var plots = new[] { left, right };
        foreach (var plot in plots)
        {
            var target = plot.Add.ScatterLine(x, Sorted(info.TestTargets), Colors.Gray);
            target.LinePattern = LinePattern.Dotted;
            target.LineWidth = 1.5f;
            target.LegendText = "test target";
            var train = plot.Add.ScatterPoints(info.TrainInputs, info.TrainTargets, Colors.Black);
            train.MarkerSize = 9;
            train.LegendText = "training points";
            plot.ShowLegend(Alignment.LowerRight);
        }
        var limits = plots.Select(p => { p.Axes.AutoScale(); return p.Axes.GetLimits(); }).ToArray();
        double low = limits.Min(l => l.Bottom), high = limits.Max(l => l.Top);
        foreach (var plot in plots) plot.Axes.SetLimitsY(low - 0.2 * (high - low), high);   // room for the legend below
        return FigureCanvas.SaveGrid(plots, 2, directory, "toy1d-bands", 1500, 620);
    }

    private static void Band(Plot plot, double[] x, double[] mean, double[] std, Color color, string label)
    {
        var fill = plot.Add.FillY(x, mean.Select((v, i) => v - 2 * std[i]).ToArray(), mean.Select((v, i) => v + 2 * std[i]).ToArray());
        fill.FillColor = color.WithAlpha(0.25);
        fill.LineColor = color.WithAlpha(0.5);
        fill.LegendText = label;
        var line = plot.Add.ScatterLine(x, mean, color);
        line.LineWidth = 2;
    }
}
