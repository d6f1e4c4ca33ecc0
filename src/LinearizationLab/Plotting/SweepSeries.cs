using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Plotting;

/// <summary>The numbers the figures draw, taken from run results: final values per run and means over seeds per step.</summary>
internal static class SweepSeries
{
    /// <summary>Runs that finished (not diverged, with checkpoints).</summary>
    internal static SweepRunResult[] Finished(IReadOnlyList<SweepRunResult> runs) =>
        runs.Where(r => !r.Diverged && r.Checkpoints.Count > 0).ToArray();

    /// <summary>The step of the last checkpoint of every finished run (as in <see cref="SweepSummary"/>).</summary>
    internal static int FinalStep(IReadOnlyList<SweepRunResult> runs)
    {
        var finished = Finished(runs);
        return finished.Length == 0 ? 0 : finished.Max(r => r.Checkpoints[^1].Step);
    }

    /// <summary>(width, value) of <paramref name="metric"/> at the final step, one per finished run that has it.</summary>
    internal static (int Width, double Value)[] Finals(IReadOnlyList<SweepRunResult> runs, string metric)
    {
        int step = FinalStep(runs);
        return Finished(runs).Where(r => r.Checkpoints[^1].Step == step)
            .Select(r => (r.Width, Value: r.Checkpoints[^1][metric]))
            .Where(p => p.Value is { } x && double.IsFinite(x)).Select(p => (p.Width, p.Value!.Value)).ToArray();
    }

    /// <summary>Mean of <paramref name="metric"/> over <paramref name="runs"/> at each step where every run has a finite value.</summary>
    internal static (double[] Steps, double[] Means) MeanCurve(IReadOnlyList<SweepRunResult> runs, string metric)
    {
        if (runs.Count == 0) return ([], []);
        var perRun = runs.Select(r => r.Checkpoints
                .Select(c => (c.Step, Value: c[metric]))
                .Where(c => c.Value is { } x && double.IsFinite(x))
                .ToDictionary(c => c.Step, c => c.Value!.Value))
            .ToArray();
        var steps = perRun.Select(d => (IEnumerable<int>)d.Keys).Aggregate((a, b) => a.Intersect(b)).Order().ToArray();
        return (steps.Select(s => (double)s).ToArray(), steps.Select(s => perRun.Average(d => d[s])).ToArray());
    }

    /// <summary>Finished runs grouped by width, ascending.</summary>
    internal static IGrouping<int, SweepRunResult>[] ByWidth(IReadOnlyList<SweepRunResult> runs) =>
        Finished(runs).GroupBy(r => r.Width).OrderBy(g => g.Key).ToArray();

    /// <summary>A title for a metric name, in the field's notation.</summary>
    internal static string Title(string metric) => metric switch
    {
        KernelDriftMetric.Name => "NTK drift ‖Θ̂ₜ − Θ̂₀‖/‖Θ̂₀‖",
        OutputGapMetric.RmseTest => "output gap RMSE(f, f_lin), test",
        OutputGapMetric.RmseTrain => "output gap RMSE(f, f_lin), train",
        OutputGapMetric.RelativeRmseTest => "relative output gap, test",
        OutputGapMetric.RelativeRmseTrain => "relative output gap, train",
        WeightChangeMetric.Name => "weight change ‖θₜ − θ₀‖/‖θ₀‖",
        NtkInitDistanceMetric.Name => "NTK at init ‖Θ̂₀ − Θ‖/‖Θ‖",
        NngpInitDistanceMetric.Name => "NNGP at init ‖K̂₀ − K‖/‖K‖",
        KernelVelocityMetric.Name => "NTK velocity ‖dΘ̂/dτ(0)‖/‖Θ̂₀‖",
        _ when metric.StartsWith("kernel_drift_order", StringComparison.Ordinal) =>
            $"NTK drift of the order-{metric["kernel_drift_order".Length..]} Taylor model",
        _ when metric.StartsWith("output_rmse_", StringComparison.Ordinal) && metric.Contains("_order", StringComparison.Ordinal) =>
            $"output gap RMSE(f, f_{metric[(metric.LastIndexOf("_order", StringComparison.Ordinal) + 6)..]}), {(metric.Contains("test", StringComparison.Ordinal) ? "test" : "train")}",
        _ when metric.StartsWith("kernel_drift_layer", StringComparison.Ordinal) =>
            $"NTK drift of layer {metric["kernel_drift_layer".Length..]}",
        _ => metric.Replace('_', ' '),
    };
}
