using LinearizationLab.Linearization;

namespace LinearizationLab.Tests.Linearization;

/// <summary>Facts about training times.</summary>
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
    public void RejectsNegativeTimesAndNonPositiveLearningRates()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingTime.GradientFlow(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingTime.GradientDescent(0, 5));
    }
}
