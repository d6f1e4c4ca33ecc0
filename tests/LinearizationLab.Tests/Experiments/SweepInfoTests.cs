using LinearizationLab.Configuration;
using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

[Collection("TorchSharp")]
public sealed class SweepInfoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sweep-info-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SweepContext Toy(int steps = 40) => SweepContext.Create(SweepSpec.Read(JsonSection.Parse($$"""
        {"arch": {"input_shape":[1],"layers":[{"type":"dense","width":8,"w_std":1.5,"b_std":0.05},{"type":"erf"},{"type":"dense","width":1,"w_std":1.5,"b_std":0.05}]},
         "widths": [16, 32], "seeds": 2, "data": {"source": "toy1d", "train_size": 5, "test_size": 20, "seed": 0},
         "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5}, "steps": {{steps}}}
        """, "toy.json")));

    [Fact]
    public void TheInfiniteWidthSideOfARegressionSweepIsRecordedAndSurvivesARoundTrip()
    {
        var info = SweepInfo.Create(Toy());
        Assert.Equal(0.5 * info.AnalyticCriticalLearningRate!.Value, info.LearningRate!.Value, 12);   // η = η_crit/2: one rounding
        Assert.True(info.HasPredictions);
        Assert.Equal(20, info.NtkGpMeanInfinite.Length);
        Assert.All(info.NngpStd.Concat(info.NtkGpStdInfinite).Concat(info.NtkGpStdFinal), s => Assert.True(s >= 0));
        // Eigenvalues of a kernel Gram matrix: non-negative up to round-off, largest first.
        Assert.True(info.AnalyticSpectrum.Zip(info.AnalyticSpectrum.Skip(1)).All(p => p.First >= p.Second));
        Assert.True(info.AnalyticSpectrum[^1] > -1e-10 * info.AnalyticSpectrum[0]);
        info.Write(_dir);
        var back = SweepInfo.TryRead(_dir)!;
        Assert.Equal(info.NtkGpMeanFinal, back.NtkGpMeanFinal);
        Assert.Equal(info.AnalyticNtk.SelectMany(r => r), back.AnalyticNtk.SelectMany(r => r));
    }

    [Fact]
    public void GradientDescentForLongerMovesTheNtkGpMeanTowardItsLimit()
    {
        // μ_t → μ_∞ as t grows: the final-time mean of a 4000-step sweep is closer to μ_∞ than that of a 40-step one.
        static double Gap(SweepInfo i) => i.NtkGpMeanFinal.Zip(i.NtkGpMeanInfinite).Sum(p => Math.Abs(p.First - p.Second));
        var shortRun = SweepInfo.Create(Toy());
        var longRun = SweepInfo.Create(Toy(steps: 4000));
        Assert.True(Gap(longRun) < Gap(shortRun));
    }
}
