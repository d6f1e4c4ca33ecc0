using LinearizationLab.Experiments;
using LinearizationLab.Plotting;

namespace LinearizationLab.Tests.Plotting;

public sealed class WidthComparisonFigureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("comparison-figure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static WidthComparison Row(int width, string? center, double accuracy) =>
        new(center is null ? GridPoint.Origin : new GridPoint([("center", center)]), width, 10, 2)
        {
            Network = new TestScore(0.3, accuracy, 0.01, 0.02),
            NetworkBest = new TestScore(0.25, accuracy + 0.01),
            Linearized = new TestScore(0.28, accuracy + 0.02),
            NtkGpInfinity = new TestScore(0.2, 0.9),
            Nngp = new TestScore(0.19, 0.91),
        };

    [Fact]
    public void ACenterAxisSharesItsPanelsAndOtherPointsGetTheirOwnRow()
    {
        // Centered and plain rows of two widths: one row of two panels (last and best checkpoint), one PNG and one SVG.
        var files = WidthComparisonFigure.Draw([Row(64, "false", 0.8), Row(256, "false", 0.85), Row(64, "true", 0.82), Row(256, "true", 0.86)], _dir);
        Assert.Equal(["comparison.png", "comparison.svg"], files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(new FileInfo(files[0]).Length > 1000);
    }

    [Fact]
    public void ASingleWidthHasNoFigure()
    {
        Assert.Empty(WidthComparisonFigure.Draw([Row(64, null, 0.8)], _dir));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
