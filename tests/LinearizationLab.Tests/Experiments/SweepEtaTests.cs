using LinearizationLab.Experiments;
using Xunit.Abstractions;

namespace LinearizationLab.Tests.Experiments;

public class SweepEtaTests(ITestOutputHelper output)
{
    /// <summary>
    /// Wall seconds of the 35 runs of experiments/mlp-relu-sphere.json in sweep order (SweepSpec.Runs: width-major,
    /// seeds 0…4 at each width), recorded from the run files (wall_seconds) of one `./lab sweep` of this config on the
    /// 2-core reference machine while it was quiet, with the hand-written training step (114.5 s of runs; 1 min 58 s
    /// with the analytic kernels, summary and figures). The first run carries the process's warm-up.
    /// </summary>
    private static readonly (int Width, double Seconds)[] MlpReluSphere =
    [
        (64, 0.113), (64, 0.054), (64, 0.051), (64, 0.051), (64, 0.056),
        (128, 0.096), (128, 0.060), (128, 0.060), (128, 0.118), (128, 0.062),
        (256, 0.138), (256, 0.128), (256, 0.118), (256, 0.155), (256, 0.176),
        (512, 0.756), (512, 0.630), (512, 0.476), (512, 0.584), (512, 0.410),
        (1024, 1.302), (1024, 1.236), (1024, 1.261), (1024, 1.250), (1024, 1.270),
        (2048, 4.554), (2048, 4.449), (2048, 4.440), (2048, 4.396), (2048, 4.415),
        (4096, 16.681), (4096, 16.606), (4096, 16.015), (4096, 15.928), (4096, 16.385),
    ];

    /// <summary>
    /// Wall seconds of the 15 runs of experiments/drift-regression.json in sweep order, measured on the 2-core reference
    /// machine while it was quiet (one `lab sweep`, 3.0 s of runs). The first run carries the process's warm-up.
    /// </summary>
    private static readonly (int Width, double Seconds)[] DriftRegression =
    [
        (32, 1.138), (32, 0.033), (32, 0.031), (64, 0.039), (64, 0.036), (64, 0.038), (128, 0.070), (128, 0.059),
        (128, 0.080), (256, 0.098), (256, 0.134), (256, 0.089), (512, 0.561), (512, 0.306), (512, 0.325),
    ];

    /// <summary>
    /// Replays <paramref name="trace"/> through a <see cref="SweepEta"/>: at a quarter, half and three quarters of each
    /// run (steps progress evenly, so a fraction f is done after f of its time) and after it, the share of the total
    /// time spent, the true remaining time and the predicted one.
    /// </summary>
    private List<(string Where, double Spent, double Truth, double? Predicted)> Replay((int Width, double Seconds)[] trace)
    {
        double total = trace.Sum(r => r.Seconds), elapsed = 0;
        var eta = new SweepEta(trace.Select(r => r.Width));
        var points = new List<(string, double, double, double?)>();
        void Add(string where, double at, double? predicted)
        {
            points.Add((where, at / total, total - at, predicted));
            output.WriteLine($"{where,-16}: elapsed {at,7:F2} s ({at / total,4:P0}), remaining {total - at,7:F2} s, predicted {predicted,7:F2} s");
        }
        for (int i = 0; i < trace.Length; i++)
        {
            foreach (double f in new[] { 0.25, 0.5, 0.75 })
                Add($"run {i} at {f:P0}", elapsed + f * trace[i].Seconds, eta.SecondsRemaining(f, f * trace[i].Seconds));
            eta.Finish(trace[i].Seconds);
            elapsed += trace[i].Seconds;
            Add($"after run {i}", elapsed, eta.SecondsRemaining());
        }
        Assert.Equal(0, eta.SecondsRemaining());
        return points;
    }

    [Fact]
    public void TheMainSweepIsPredictedWithin30PercentOnceAFifthOfItsTimeIsSpent()
    {
        Assert.Equal(114.48, MlpReluSphere.Sum(r => r.Seconds), 1e-6);   // the recorded sweep
        foreach (var (where, spent, truth, predicted) in Replay(MlpReluSphere).Where(p => p.Spent >= 0.2 && p.Truth > 0))
        {
            Assert.NotNull(predicted);
            Assert.InRange(predicted!.Value, 0.7 * truth, 1.3 * truth);   // the acceptance: ±30%
        }
    }

    [Fact]
    public void AMeasuredSmallSweepGetsNoGuessFromOneWidthAndTheRightOrderOfMagnitudeAfter()
    {
        // Run 0 (the warm-up) is 37% of this 3-second sweep, seeds differ by up to 1.8× and the last width costs 3.4×
        // the one before, so its first half cannot fix the rest to 30%. What holds: no estimate while one width is
        // known (scaling it by n² is what made the old rate-based ETA print 15 min after run 0 here), and from the
        // second width on the estimate is within a factor 3 of the truth.
        var points = Replay(DriftRegression);
        int firstOfSecondWidth = 3 * 4;   // four points per run; run 3 is the first at width 64
        Assert.All(points.Take(firstOfSecondWidth), p => Assert.Null(p.Predicted));
        foreach (var (where, _, truth, predicted) in points.Skip(firstOfSecondWidth + 3).Where(p => p.Truth > 0))
        {
            Assert.NotNull(predicted);
            Assert.InRange(predicted!.Value, truth / 3, 3 * truth);
        }
    }

    [Fact]
    public void RunsFoundOnDiskPredictUntilThisProcessHasMeasuredTheirWidth()
    {
        // A resumed sweep: widths 64 and 128 done earlier (e.g. before a restart), 256 and 512 still to do.
        var earlier = new[] { (64, 1.0), (64, 1.0), (128, 2.0), (128, 2.0), (256, 4.0) };
        var eta = new SweepEta([256, 256, 512, 512], earlier);
        Assert.NotNull(eta.SecondsRemaining());   // known before any run of this process
        Assert.Equal(3, eta.Model!.WidthCount);
        Assert.Equal(4.0, eta.Model.Predict(256));

        // This process is faster (a newer build): its own runs at 256 replace the disk's from the second one on
        // (its first run is left out as warm-up once there is another).
        eta.Finish(3.0);
        Assert.Equal(3.0, eta.Model.Predict(256));
        eta.Finish(1.0);
        Assert.Equal(1.0, eta.Model.Predict(256));
        // Half-way through the first 512 run after 4 s, the run's own pace (8 s) and the model's prediction blend
        // in T̂ = ½·t̂ + 4; 512 is extrapolated, so T̂ also stands for the other 512 run.
        double predicted512 = eta.Model.Predict(512)!.Value;
        Assert.False(eta.Model.IsMeasured(512));
        double run = 0.5 * predicted512 + 4.0;
        // Below, a few float64 operations on O(10)-second values: 12 decimals is round-off with ~100× margin.
        Assert.Equal(0.5 * run + run, eta.SecondsRemaining(0.5, 4.0)!.Value, 12);
        eta.Finish(8.0, firstPhaseSeconds: 3.0);
        Assert.Equal(8.0, eta.SecondsRemaining()!.Value, 12);
        // The network's steps took 3 of the 8 s: half of the linearization's steps is 3/8 + ½·5/8 of the run.
        Assert.Equal(3.0 / 8, eta.FirstPhaseShare, 12);
        Assert.Equal(3.0 / 16, eta.RunFraction(secondPhase: false, 0.5), 12);
        Assert.Equal(3.0 / 8 + 0.5 * 5.0 / 8, eta.RunFraction(secondPhase: true, 0.5), 12);
        // The second 512 run is measured now: its own pace moves only its own share.
        Assert.Equal(0.5 * (0.5 * 8.0 + 5.0), eta.SecondsRemaining(0.5, 5.0)!.Value, 12);
        eta.Finish(8.0);
        Assert.Equal(0, eta.SecondsRemaining());
        Assert.Throws<InvalidOperationException>(() => eta.Finish(1.0));
    }

    [Fact]
    public void NoEstimateWhileTheWidestPendingWidthIsMoreThanEightTimesTheWidestMeasured()
    {
        // Widths 64…4096 as in the main job: after 64 and 128 the curve would extrapolate 32× (noise × 32^p).
        var eta = new SweepEta([64, 128, 256, 512, 4096]);
        eta.Finish(0.05);
        eta.Finish(0.06);
        Assert.NotNull(eta.Model);
        Assert.Null(eta.SecondsRemaining());
        eta.Finish(0.12);
        Assert.Null(eta.SecondsRemaining());   // 4096 / 256 = 16
        eta.Finish(0.5);
        Assert.NotNull(eta.SecondsRemaining());   // 4096 / 512 = 8: predicted
    }
}
