using LinearizationLab.Inference;

namespace LinearizationLab.Tests.Inference;

/// <summary>Facts about training times and the per-eigenvalue gain g(λ) = (1 − decay)/λ.</summary>
public class TrainingTimeTests
{
    [Fact]
    public void GradientDescentTimeIsLearningRateTimesSteps()
    {
        var time = TrainingTime.GradientDescent(0.25, 40);
        Assert.Equal(10.0, time.Time);
        Assert.True(time.IsDiscrete);
        Assert.False(TrainingTime.GradientFlow(10).IsDiscrete);
    }

    [Fact]
    public void GainMatchesTheClosedFormsAndTheirSmallEigenvalueLimits()
    {
        // Flow: (1 − e^{−λt/N})/λ; GD: (1 − (1 − ηλ/N)^k)/λ; both → t/N as λ → 0 and 1/λ at t = ∞. Round-off ~1e-15.
        const int n = 4;
        Assert.Equal((1 - Math.Exp(-2.0 * 3 / n)) / 2, TrainingTime.GradientFlow(3).Gain(2, n, 0), 1e-15);
        Assert.Equal((1 - Math.Pow(1 - 0.5 * 2 / n, 6)) / 2, TrainingTime.GradientDescent(0.5, 6).Gain(2, n, 0), 1e-15);
        Assert.Equal(3.0 / n, TrainingTime.GradientFlow(3).Gain(1e-20, n, 0), 1e-15);
        Assert.Equal(3.0 / n, TrainingTime.GradientFlow(3).Gain(0, n, 1e-12), 0.0);
        Assert.Equal(0.5, TrainingTime.Infinity.Gain(2, n, 0), 0.0);
        Assert.Equal(0.0, TrainingTime.Infinity.Gain(1e-13, n, 1e-12), 0.0);
    }

    [Fact]
    public void RejectsNegativeTimesAndNonPositiveLearningRates()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingTime.GradientFlow(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingTime.GradientDescent(0, 5));
    }
}
