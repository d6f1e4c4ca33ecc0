using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public class RunTimeModelTests
{
    private static readonly int[] Widths = [64, 128, 256, 512, 1024, 2048, 4096];

    [Theory]
    [InlineData(0.4, 3e-6, 1.8)]
    [InlineData(1.5, 2e-7, 2.4)]
    [InlineData(0.0, 0.01, 1.0)]
    [InlineData(2.0, 0.5, 0.3)]
    public void ExactTimesGiveBackTheOverheadCoefficientAndExponent(double a, double b, double p)
    {
        var runs = Widths.SelectMany(n => Enumerable.Repeat((n, a + b * Math.Pow(n, p)), 3));
        var model = RunTimeModel.Fit(runs)!;
        // Exact data: the relative error is 0 at the true p and grows as (p − p₀)², so the golden-section search
        // pins p to about 1e-10 before round-off (1e-16 per residual) hides the difference; a and b follow.
        Assert.Equal(p, model.P, 8);
        Assert.Equal(a, model.A, 6);
        Assert.Equal(1, model.B / b, 6);
        Assert.True(model.CanExtrapolate);
        // Relative 1e-6: the 6-decimal errors in a and b above, carried to n = 8192 (p's 1e-8 adds ~1e-8·ln 8192).
        Assert.Equal(a + b * Math.Pow(8192, p), model.Curve(8192), 1e-6 * model.Curve(8192));
    }

    [Fact]
    public void MeasuredWidthsArePredictedByTheirMedianSoASlowFirstRunDoesNotCount()
    {
        // The first run of a process pays for JIT and native warm-up (35× a later run in a measured drift-regression sweep).
        var runs = new[] { (32, 1.138), (32, 0.033), (32, 0.031), (64, 0.039), (64, 0.036), (64, 0.038), (128, 0.07) };
        var model = RunTimeModel.Fit(runs)!;
        Assert.Equal(0.033, model.Predict(32));
        Assert.Equal(0.038, model.Predict(64));
        Assert.Equal(0.07, model.Predict(128));
        Assert.Equal(3, model.WidthCount);
    }

    [Fact]
    public void TwoWidthsFixTheExponentAtTwoAndOneWidthPredictsOnlyItself()
    {
        // Two widths cannot determine three parameters: p = 2 (cost ∝ parameter count) and a + b·n² through both.
        var two = RunTimeModel.Fit([(64, 1.5), (128, 1.7)])!;
        Assert.Equal(2, two.P);
        // a and b solve a 2×2 system exactly: 12 decimals is round-off on O(1) times; the extrapolation multiplies
        // b's round-off by 4096² ≈ 1.7e7 (a value ≈ 200), hence 9 decimals there.
        Assert.Equal(1.5, two.Curve(64), 12);
        Assert.Equal(1.7, two.Curve(128), 12);
        Assert.Equal(1.5 + 0.2 * (4096.0 * 4096 - 64 * 64) / (128 * 128 - 64 * 64), two.Predict(4096)!.Value, 9);

        // A time that falls with width cannot have b < 0: the best constant for the relative error, Σ(1/t)/Σ(1/t²).
        var falling = RunTimeModel.Fit([(64, 2.0), (128, 1.0)])!;
        Assert.Equal(0, falling.B);
        Assert.Equal(1.5 / 1.25, falling.Curve(4096), 12);   // two sums of two terms: round-off only

        // One width says nothing about the others: scaling it by n² would be the 3 h ETA of issue 8.
        var one = RunTimeModel.Fit([(64, 1.5), (64, 1.6), (64, 1.4)])!;
        Assert.False(one.CanExtrapolate);
        Assert.Equal(1.5, one.Predict(64));
        Assert.Null(one.Predict(128));
    }

    [Fact]
    public void UnusableTimesAreLeftOut()
    {
        Assert.Null(RunTimeModel.Fit([]));
        Assert.Null(RunTimeModel.Fit([(64, 0.0), (128, double.NaN), (256, -1.0)]));   // e.g. run files without wall_seconds
        Assert.Equal(1, RunTimeModel.Fit([(64, 0.0), (128, 2.0)])!.WidthCount);
    }

    [Fact]
    public void TheExponentStaysInItsRange()
    {
        // Times that grow like n⁵ (never seen for a network whose work is ∝ n²) are fitted with p at the upper bound.
        var model = RunTimeModel.Fit(Widths.Select(n => (n, 1e-15 * Math.Pow(n, 5))))!;
        Assert.Equal(RunTimeModel.MaxExponent, model.P, 9);   // golden section stops within 1e-12 of the bound
        var flat = RunTimeModel.Fit(Widths.Select(n => (n, 5.0)))!;
        Assert.Equal(5.0, flat.Curve(8192), 9);   // b = 0 or p = 0 up to round-off
    }
}
