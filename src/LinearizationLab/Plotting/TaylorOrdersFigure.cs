using System.Globalization;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using ScottPlot;

namespace LinearizationLab.Plotting;

/// <summary>
/// The Taylor models f_k against the network (sweeps with <c>taylor_orders</c> beyond 1), and the kernel's velocity:
/// taylor-gap-vs-width (RMSE(f, f_k) on the test set — the training set without one — at the last checkpoint, mean over
/// seeds, one line per order with its fitted slope, log-log), taylor-gap-vs-step (the same gaps during training at the
/// largest width), and kernel-velocity (the measured NTK drift beside its first-order prediction η·t·‖dΘ̂/dτ(0)‖/‖Θ̂₀‖,
/// one color per width); with <c>hierarchy</c>, hierarchy (the training-set gaps of f_1 … f_k and of the truncated NTK
/// hierarchy at the largest width, and the hierarchy's kernel drift beside the network's). A figure whose metrics no run
/// has is skipped.
/// </summary>
public static class TaylorOrdersFigure
{
    /// <summary>Draws the figures into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, string directory)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var files = new List<string>();
        var finished = SweepSeries.Finished(runs);
        var orders = finished.SelectMany(r => r.Checkpoints).SelectMany(TaylorModelsMetric.OrdersIn).Distinct().Order().ToArray();
        if (orders.Length > 0)
        {
            bool test = finished.Any(r => r.Checkpoints.Any(c => c[OutputGapMetric.RmseTest] is not null));
            string split = test ? "test" : "train";
            int[] all = [1, .. orders];
            if (GapVsWidth(runs, all, split) is { } width) files.AddRange(FigureCanvas.Save(width, directory, "taylor-gap-vs-width", 800, 600));
            if (GapVsStep(runs, all, split) is { } step) files.AddRange(FigureCanvas.Save(step, directory, "taylor-gap-vs-step", 800, 600));
        }
        if (DriftBeside(runs, KernelDriftPredictedMetric.Name, "NTK drift: measured (solid) and η·t·‖dΘ̂/dτ(0)‖/‖Θ̂₀‖ (dashed)") is { } velocity)
            files.AddRange(FigureCanvas.Save(velocity, directory, "kernel-velocity", 800, 600));
        if (finished.Any(r => r.Checkpoints.Any(c => c[HierarchyOutputGapMetric.Name] is not null)))
        {
            var panels = new[]
            {
                HierarchyGaps(runs, [1, .. orders]),
                DriftBeside(runs, HierarchyKernelDriftMetric.Name, "NTK drift: network (solid), hierarchy (dashed)"),
            }.OfType<Plot>().ToArray();
            if (panels.Length > 0) files.AddRange(FigureCanvas.SaveGrid(panels, panels.Length, directory, "hierarchy", 700 * panels.Length, 600));
        }
        return files;
    }

    /// <summary>Training-set gaps to the network during training at the largest width: f_1 … f_k and the truncated hierarchy.</summary>
    private static Plot? HierarchyGaps(IReadOnlyList<SweepRunResult> runs, int[] orders)
    {
        var widest = SweepSeries.ByWidth(runs).LastOrDefault();
        if (widest is null) return null;
        var plot = FigureCanvas.NewPlot($"gap to the network, training set, n = {widest.Key}", "step", "RMSE(f, model), train");
        var series = orders.Select(k => (Metric: TaylorModelsMetric.OutputRmse("train", k), Label: $"f_{k}"))
            .Append((Metric: HierarchyOutputGapMetric.Name, Label: "hierarchy (O₄ frozen)")).ToArray();
        int drawn = 0;
        for (int i = 0; i < series.Length; i++)
        {
            var color = i == series.Length - 1 ? Colors.Red : FigureCanvas.Ordered(i, series.Length - 1);
            if (TrainingCurvesFigure.AddMeanCurve(plot, [.. widest], series[i].Metric, color) is not { } line) continue;
            line.MarkerSize = 6;
            line.LegendText = series[i].Label;
            drawn++;
        }
        if (drawn == 0) return null;
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>
    /// The network's kernel drift against step (solid, mean over seeds) beside <paramref name="reference"/> (dashed), one
    /// colour per width: the velocity's first-order prediction, or the hierarchy's drift.
    /// </summary>
    private static Plot? DriftBeside(IReadOnlyList<SweepRunResult> runs, string reference, string title)
    {
        var widths = SweepSeries.ByWidth(runs);
        var plot = FigureCanvas.NewPlot(title, "step", "‖Θ̂ₜ − Θ̂₀‖/‖Θ̂₀‖");
        int drawn = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            var color = FigureCanvas.Ordered(i, widths.Length);
            if (TrainingCurvesFigure.AddMeanCurve(plot, [.. widths[i]], reference, color) is not { } dashed) continue;
            dashed.LinePattern = LinePattern.Dashed;
            dashed.MarkerSize = 0;
            if (TrainingCurvesFigure.AddMeanCurve(plot, [.. widths[i]], KernelDriftMetric.Name, color) is { } line)
            {
                line.MarkerSize = 5;
                line.LegendText = $"n = {widths[i].Key}";
            }
            drawn++;
        }
        if (drawn == 0) return null;
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot? GapVsWidth(IReadOnlyList<SweepRunResult> runs, int[] orders, string split)
    {
        int step = SweepSeries.FinalStep(runs);
        var plot = FigureCanvas.NewPlot($"gap to the network of the Taylor model f_k at step {step}", "width n", $"RMSE(f, f_k), {split}");
        var summary = SweepSummary.Build(runs);
        var widths = new SortedSet<int>();
        int drawn = 0;
        for (int i = 0; i < orders.Length; i++)
        {
            string metric = TaylorModelsMetric.OutputRmse(split, orders[i]);
            var means = SweepSeries.Finals(runs, metric).Where(s => s.Value > 0).GroupBy(s => s.Width).OrderBy(g => g.Key)
                .Select(g => (Width: g.Key, Mean: g.Average(s => s.Value))).ToArray();
            if (means.Length < 2) continue;
            var color = FigureCanvas.Ordered(i, orders.Length);
            var points = plot.Add.Scatter(LogAxis.Log10(means.Select(m => (double)m.Width)), LogAxis.Log10(means.Select(m => m.Mean)), color);
            points.LineWidth = 2;
            points.MarkerSize = 9;
            var fit = summary.Fits.FirstOrDefault(f => f.Metric == metric);
            points.LegendText = fit is null ? $"k = {orders[i]}" : string.Create(CultureInfo.InvariantCulture,
                $"k = {orders[i]}: n^{fit.Slope:F2}, 95% [{fit.SlopeLow:F2}, {fit.SlopeHigh:F2}]");
            foreach (var m in means) widths.Add(m.Width);
            drawn++;
        }
        if (drawn == 0) return null;
        LogAxis.Apply(plot, logX: false, logY: true);
        LogAxis.Widths(plot, widths);
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    private static Plot? GapVsStep(IReadOnlyList<SweepRunResult> runs, int[] orders, string split)
    {
        var widest = SweepSeries.ByWidth(runs).LastOrDefault();
        if (widest is null) return null;
        var plot = FigureCanvas.NewPlot($"gap to the network during training, n = {widest.Key}", "step", $"RMSE(f, f_k), {split}");
        int drawn = 0;
        for (int i = 0; i < orders.Length; i++)
        {
            if (TrainingCurvesFigure.AddMeanCurve(plot, [.. widest], TaylorModelsMetric.OutputRmse(split, orders[i]), FigureCanvas.Ordered(i, orders.Length)) is not { } line)
                continue;
            line.MarkerSize = 6;
            line.LegendText = $"k = {orders[i]}";
            drawn++;
        }
        if (drawn == 0) return null;
        LogAxis.Apply(plot, logX: true, logY: true);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
