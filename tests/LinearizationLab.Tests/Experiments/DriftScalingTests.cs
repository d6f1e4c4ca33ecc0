using LinearizationLab.Data;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Runs;

namespace LinearizationLab.Tests.Experiments;

/// <summary>
/// Regression tests on how the gaps close with width, from the reduced sweep experiments/drift-regression.json
/// (ReLU MLP with 2 hidden layers, 16 points on the sphere in R^8, GD on MSE at η = η_crit/2 for 30 steps,
/// widths 32…512, 3 seeds; about a minute on 2 cores).
///
/// Theory: Lee et al. 2019 bound the change of the NTK during training and the network–linearization gap by
/// O(n^−1/2); Dyer &amp; Gur-Ari 2019 and Roberts &amp; Yaida predict the NTK's change during training at O(1/n), and
/// its fluctuations at initialization (our distance from the analytic kernel) at O(n^−1/2). Each window below is
/// that theoretical range widened by 0.25 on each side for finite widths and three seeds; it contains the
/// committed reference results (plots/drift-regression/summary.json; slopes in the comments).
/// </summary>
[Collection("TorchSharp")]
public sealed class DriftScalingTests : IClassFixture<DriftScalingTests.ReducedSweep>
{
    private readonly SweepSummary _summary;

    public DriftScalingTests(ReducedSweep sweep) => _summary = sweep.Summary;

    /// <summary>Runs the reduced sweep once for all tests of this class.</summary>
    public sealed class ReducedSweep : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("drift-").FullName;

        public ReducedSweep()
        {
            string spec = Path.Combine(RepositoryRoot.Locate(), "experiments", "drift-regression.json");
            Summary = new WidthSweep(SweepSpec.Load(spec), _dir).Run().Summary;
        }

        public SweepSummary Summary { get; }

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }

    private ScalingFit Fit(string metric) => Assert.Single(_summary.Fits, f => f.Metric == metric);

    [Theory]
    // NTK change during training: theory between −1 (Dyer & Gur-Ari) and −1/2 (Lee et al. bound). Reference: −0.616 [−0.794, −0.475].
    [InlineData(KernelDriftMetric.Name, -1.25, -0.25)]
    // Network vs linearization on test points: O(n^−1/2) bound, O(1/n) expected from the O(1/n) kernel change. Reference: −0.816 [−0.942, −0.731].
    [InlineData(OutputGapMetric.RmseTest, -1.25, -0.25)]
    // Θ̂0 − Θ at initialization: fluctuations O(n^−1/2). Reference: −0.474 [−0.568, −0.389].
    [InlineData(NtkInitDistanceMetric.Name, -0.75, -0.25)]
    public void Slope_is_negative_inside_its_window_and_its_interval_excludes_zero(string metric, double low, double high)
    {
        var fit = Fit(metric);
        Assert.Equal(5, fit.WidthCount);
        Assert.InRange(fit.Slope, low, high);
        Assert.True(fit.SlopeHigh < 0, $"{metric}: 95% interval [{fit.SlopeLow:F3}, {fit.SlopeHigh:F3}] reaches 0");
    }

    [Fact]
    public void NoRunDivergedAtHalfTheCriticalLearningRate() => Assert.Equal(0, _summary.Diverged);
}
