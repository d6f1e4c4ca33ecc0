using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public class ScalingFitTests
{
    [Fact]
    public void AnExactPowerLawIsRecoveredWithADegenerateInterval()
    {
        var samples = new[] { 64, 256, 1024, 4096 }.SelectMany(n => Enumerable.Repeat((n, 3.0 * Math.Pow(n, -0.5)), 3));
        var fit = ScalingFit.Fit("m", samples)!;
        Assert.Equal(-0.5, fit.Slope, 12);      // exact data: only round-off
        Assert.Equal(3.0, fit.Prefactor, 10);   // e^intercept: the intercept carries the slope's round-off times mean ln n ≈ 6
        Assert.Equal(-0.5, fit.SlopeLow, 12);   // every resample is the same data
        Assert.Equal(-0.5, fit.SlopeHigh, 12);
        Assert.True(fit.IsSignificant);
    }

    [Fact]
    public void NoisySeedsGiveAnIntervalThatCoversTheTrueSlope()
    {
        // Multiplicative noise of ±20% around n^−1 with 8 seeds per width.
        var random = new Random(1);
        var samples = new[] { 64, 128, 256, 512, 1024, 2048 }
            .SelectMany(n => Enumerable.Range(0, 8).Select(_ => (n, Math.Pow(n, -1) * (1 + 0.2 * (2 * random.NextDouble() - 1)))))
            .ToArray();
        var fit = ScalingFit.Fit("m", samples)!;
        Assert.InRange(-1.0, fit.SlopeLow, fit.SlopeHigh);
        Assert.True(fit.SlopeHigh - fit.SlopeLow < 0.2, "8 seeds at ±20% pin the slope to a few hundredths");
        Assert.Equal(6, fit.WidthCount);
        Assert.Equal(48, fit.SampleCount);
    }

    [Fact]
    public void ZerosAreLeftOutAndOneWidthGivesNoFit()
    {
        Assert.Null(ScalingFit.Fit("m", [(64, 1.0), (64, 2.0), (128, 0.0)]));
        var fit = ScalingFit.Fit("m", [(64, 1.0), (128, 0.5), (256, 0.0)])!;
        Assert.Equal(-1.0, fit.Slope, 12);   // two exact points (the zero is left out): round-off only
    }
}
