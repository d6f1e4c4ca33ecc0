using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Tests.Experiments;

public sealed class SweepSummaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-summary-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SummaryJsonReadsBackAsTheSameTable()
    {
        // Kernel drift 1/√n within each grid point, so the fits are exact and sliced by point.
        var runs = new[] { "0.5", "1" }.SelectMany(f => new[] { 16, 64 }.Select(w => new SweepRunResult
        {
            Width = w,
            Point = new Dictionary<string, string> { ["learning_rate_fraction"] = f },
            Checkpoints = [new SweepCheckpoint(5, [(KernelDriftMetric.Name, 1 / Math.Sqrt(w))])],
        })).ToArray();
        var summary = SweepSummary.Build(runs);
        File.WriteAllText(Path.Combine(_dir, SweepSummary.FileName), summary.ToJson());

        var read = SweepSummary.TryRead(_dir)!;

        Assert.Equal(summary.ToJson(), read.ToJson());
        Assert.Equal(["learning_rate_fraction=0.5", "learning_rate_fraction=1"], read.Fits.Select(f => f.Slice));
        Assert.Equal(-0.5, read.Fits[0].Slope, 12);   // an exact power law; round-off of logs only
    }

    [Fact]
    public void AMissingOrBrokenSummaryIsNull()
    {
        Assert.Null(SweepSummary.TryRead(_dir));
        File.WriteAllText(Path.Combine(_dir, SweepSummary.FileName), "{ \"step\": ");
        Assert.Null(SweepSummary.TryRead(_dir));
    }
}
