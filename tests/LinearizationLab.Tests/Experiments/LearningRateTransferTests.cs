using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public class LearningRateTransferTests
{
    private static SweepRunResult Run(string parameterization, int width, double rate, long seed, double loss, bool diverged = false) => new()
    {
        Width = width,
        Seed = seed,
        Diverged = diverged,
        Point = new Dictionary<string, string> { ["parameterization"] = parameterization, ["learning_rate"] = rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture) },
        Checkpoints = [new SweepCheckpoint(10, [(LearningRateTransfer.Metric, loss)])],
    };

    /// <summary>The curve is the mean over seeds that finished; the best η of a width is the lowest mean, per parameterization.</summary>
    [Fact]
    public void BestRateIsTheLowestMeanLossPerSliceAndWidth()
    {
        SweepRunResult[] runs =
        [
            Run("mup", 128, 0.01, 0, 0.5), Run("mup", 128, 0.01, 1, 0.3), Run("mup", 128, 0.1, 0, 0.35), Run("mup", 128, 0.1, 1, 0.5),
            Run("mup", 256, 0.01, 0, 0.2), Run("mup", 256, 0.1, 0, 0.1), Run("mup", 256, 0.1, 1, 9, diverged: true),
            Run("standard", 128, 0.01, 0, 0.1), Run("standard", 128, 0.1, 0, 0.2),
        ];
        var curves = LearningRateTransfer.Curves(runs);
        Assert.Equal(0.4, curves.Single(p => p is { Slice: "parameterization=mup", Width: 128, LearningRate: 0.01 }).Loss, 1e-15);
        Assert.Equal(0.1, curves.Single(p => p is { Slice: "parameterization=mup", Width: 256, LearningRate: 0.1 }).Loss, 1e-15);
        var best = LearningRateTransfer.Best(runs);
        Assert.Equal(0.01, best.Single(p => p is { Slice: "parameterization=mup", Width: 128 }).LearningRate);   // 0.40 < 0.425
        Assert.Equal(0.1, best.Single(p => p is { Slice: "parameterization=mup", Width: 256 }).LearningRate);
        Assert.Equal(0.01, best.Single(p => p is { Slice: "parameterization=standard", Width: 128 }).LearningRate);
        Assert.Empty(LearningRateTransfer.Curves([.. runs.Select(r => r with { Point = null })]));
    }
}
