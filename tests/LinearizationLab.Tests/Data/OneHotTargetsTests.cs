using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class OneHotTargetsTests
{
    [Fact]
    public void EncodesHighAtTheLabelAndLowElsewhere()
    {
        Assert.Equal([-0.1, 0.9, -0.1, 0.9, -0.1, -0.1], new OneHotTargets(-0.1, 0.9).Encode([1, 0], 3));
        Assert.Equal([0, 0, 1.0], OneHotTargets.Standard.Encode([2], 3));
    }

    [Fact]
    public void RejectsLabelsOutsideTheClasses()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OneHotTargets.Standard.Encode([3], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => OneHotTargets.Standard.Encode([0, 3], 3));
    }
}
