using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Tests.Experiments;

public class PhaseTimesTests
{
    [Fact]
    public void AnEnclosingPhaseIsChargedOnlyWhatItsInnerPhasesDidNotTake()
    {
        var phases = new PhaseTimes();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int result = phases.Time("steps", () =>
        {
            Thread.Sleep(60);
            using (phases.Measure("checkpoints")) Thread.Sleep(60);
            using (phases.Measure("checkpoints")) Thread.Sleep(60);
            return 7;
        });
        double whole = clock.Elapsed.TotalSeconds;
        Assert.Equal(7, result);
        var s = phases.Seconds;
        Assert.Equal(["checkpoints", "steps"], s.Keys);   // in the order each was first entered, the inner one finishing first
        Assert.InRange(s["checkpoints"], 0.12, 5);      // two entries accumulate
        Assert.InRange(s["steps"], 0.06, 5);            // its own sleep
        Assert.Equal(whole, s["steps"] + s["checkpoints"], 0.01);   // together the whole block, nothing counted twice
        Assert.Equal(s["steps"] + s["checkpoints"], phases.Total, 1e-12);
    }

    [Fact]
    public void AMetricsPhaseIsNamedAfterItsType() =>
        Assert.Equal("metric_kernel_drift", PhaseTimes.MetricPhase(typeof(KernelDriftMetric)));

    [Fact]
    public void TotalsSumOverRunsLargestFirstAndIgnoreRunsWithout()
    {
        var runs = new[]
        {
            new SweepRunResult { PhaseSeconds = new Dictionary<string, double> { ["network_steps"] = 2, ["initial_ntk"] = 1 } },
            new SweepRunResult { PhaseSeconds = new Dictionary<string, double> { ["network_steps"] = 3, ["metric_kernel_drift"] = 4 } },
            new SweepRunResult(),
        };
        var totals = SweepStore.PhaseTotals(runs)!;
        Assert.Equal([("network_steps", 5.0), ("metric_kernel_drift", 4.0), ("initial_ntk", 1.0)], totals);
        Assert.Null(SweepStore.PhaseTotals([new SweepRunResult()]));
        Assert.Equal("network_steps 5 s (50%), 2 others 5 s (50%)", PhaseTimes.Describe(totals, shown: 1));
    }
}
