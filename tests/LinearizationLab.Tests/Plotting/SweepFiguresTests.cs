using System.Xml.Linq;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Plotting;

namespace LinearizationLab.Tests.Plotting;

public sealed class SweepFiguresTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly int[] Steps = [0, 1, 10, 100];
    private const int TestPoints = 20;

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-plots-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A run whose gaps shrink like n^−1/2 (with a seed-dependent factor) and whose kernel corner is 6×6.</summary>
    private static SweepRunResult Run(int width, long seed, bool mse = true)
    {
        double scale = Math.Pow(width, -0.5) * (1 + 0.1 * seed);
        var checkpoints = Steps.Select(step =>
        {
            double t = Math.Log(1 + step);
            double loss = 1.0 / (1 + step);
            IEnumerable<(string, double?)> Model(string name) =>
            [
                (LossAndAccuracyMetric.NameOf(name, "loss", "train"), loss), (LossAndAccuracyMetric.NameOf(name, "accuracy", "train"), null),
                (LossAndAccuracyMetric.NameOf(name, "loss", "test"), loss + 0.1), (LossAndAccuracyMetric.NameOf(name, "accuracy", "test"), null),
            ];
            return new SweepCheckpoint(step,
            [
                .. Model("network"), .. Model("linearized"),
                (WeightChangeMetric.Name, scale * scale * t),
                (KernelDriftMetric.Name, scale * t),
                (LayerKernelDriftMetric.NameOf(1), 2 * scale * t),
                (NtkInitDistanceMetric.Name, scale),
                (NngpInitDistanceMetric.Name, 0.5 * scale),
                (OutputGapMetric.RmseTrain, 0.5 * scale * t),
                (OutputGapMetric.RelativeRmseTrain, 0),
                (OutputGapMetric.RmseTest, scale * t),
                (OutputGapMetric.RelativeRmseTest, 0.3 * scale * t),
                .. mse ? Model("ntkgp").Where(v => v.Item2 is not null) : [],   // the NTK-GP has no nulls
            ]);
        }).ToList();
        double[][] Kernel(double shift) => Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, 6)
            .Select(j => (i == j ? 2.0 : Math.Exp(-Math.Abs(i - j))) + shift).ToArray()).ToArray();
        double[][] Tracked(double offset) => Steps.Select(s => new[] { offset + 0.01 * s, -offset }).ToArray();
        return new SweepRunResult
        {
            Width = width,
            Seed = seed,
            Checkpoints = checkpoints,
            Spectrum = [5, 2, 1, 0.5, 0.2, 0.1],
            TrackedIndices = [0, 1],
            TrackedNetwork = Tracked(0.5 + scale),
            TrackedLinearized = Tracked(0.5),
            TrackedNtkGp = mse ? Tracked(0.4) : [],
            KernelInitial = Kernel(0),
            KernelFinal = Kernel(scale),
            FinalTestNetwork = Enumerable.Range(0, TestPoints).Select(i => Math.Sin(X(i)) + 0.05 * seed).ToArray(),
        };
    }

    private static double X(int i) => -Math.PI + 2 * Math.PI * i / (TestPoints - 1);

    private static SweepInfo ToyInfo()
    {
        var x = Enumerable.Range(0, TestPoints).Select(X).ToArray();
        var sin = x.Select(Math.Sin).ToArray();
        var std = x.Select(v => 0.1 + 0.05 * Math.Abs(v)).ToArray();
        return new SweepInfo
        {
            Name = "toy", Widths = [64, 256, 1024], Seeds = [0, 1], DataSource = "toy1d", Loss = "mse", Steps = 100,
            AnalyticNtk = Run(64, 0).KernelInitial, AnalyticNngp = Run(64, 0).KernelInitial, AnalyticSpectrum = [4, 2, 1, 0.5, 0.25, 0.12],
            TrainInputs = [-2, 0, 2], TrainTargets = [Math.Sin(-2), 0, Math.Sin(2)], TestInputs = x, TestTargets = sin,
            NtkGpMeanInfinite = sin, NtkGpStdInfinite = std, NtkGpMeanFinal = sin, NtkGpStdFinal = std, NngpMean = sin, NngpStd = std,
        };
    }

    private string Results(IEnumerable<SweepRunResult> runs, SweepInfo? info)
    {
        string results = Path.Combine(_dir, "results");
        foreach (var r in runs) SweepStore.Write(Path.Combine(results, "runs", $"w{r.Width:D4}-s{r.Seed}.json"), r);
        info?.Write(results);
        return results;
    }

    private static IEnumerable<SweepRunResult> Sweep(bool mse = true, params int[] widths) =>
        widths.SelectMany(w => new long[] { 0, 1 }.Select(s => Run(w, s, mse)));

    private static string[] Names(IEnumerable<string> files) => files.Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void EveryFigureIsWrittenAsAValidPngAndSvg()
    {
        string results = Results(Sweep(true, 64, 256, 1024), ToyInfo());
        string plots = Path.Combine(_dir, "plots");

        var files = SweepFigures.Draw(results, plots);

        string[] figures =
        [
            "scaling", "scaling-kernel_drift", "scaling-kernel_drift_layer1", "scaling-output_rmse_test", "scaling-output_rmse_train",
            "scaling-output_relative_rmse_test", "scaling-weight_change", "scaling-ntk_init_distance", "scaling-nngp_init_distance",
            "training-kernel_drift", "training-output_rmse_test", "training-weight_change",
            "tracked-outputs", "losses", "kernels", "spectrum", "toy1d-bands", "comparison",
        ];
        Assert.Equal(Names(figures.SelectMany(f => new[] { f + ".png", f + ".svg" })), Names(files));
        Assert.Equal(Names(files), Names(Directory.GetFiles(plots)));
        Assert.Equal(figures.Length, SweepFigures.Count(files));
        foreach (string png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000, $"{png} has only {bytes.Length} bytes");
            Assert.Equal(PngSignature, bytes[..8]);
        }
        foreach (string svg in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
            Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
    }

    [Fact]
    public void AFolderWithoutRunsIsBadInputNamingTheFolder()
    {
        var e = Assert.Throws<InvalidInputException>(() => SweepFigures.Draw(_dir, Path.Combine(_dir, "plots")));

        Assert.Equal(_dir, e.File);
        Assert.Equal("runs", e.Field);
        Assert.False(Directory.Exists(Path.Combine(_dir, "plots")));
    }

    [Fact]
    public void FiguresWithoutTheirDataAreSkipped()
    {
        // Cross-entropy-like runs: no NTK-GP; no sweep.json: no analytic kernels, no predictive bands.
        string results = Results(Sweep(false, 64, 256), info: null);
        string plots = Path.Combine(_dir, "plots");

        var names = Names(SweepFigures.Draw(results, plots));

        Assert.DoesNotContain("toy1d-bands.png", names);
        Assert.Contains("losses.png", names);       // network and linearization losses are still there
        Assert.Contains("kernels.png", names);      // Θ̂0 and Θ̂T without the analytic Θ
        Assert.Contains("scaling.png", names);
    }

    [Fact]
    public void ASingleWidthHasNoScalingFigures()
    {
        var names = Names(SweepFigures.Draw([.. Sweep(true, 128)], info: null, Path.Combine(_dir, "plots")));

        Assert.DoesNotContain(names, n => n.StartsWith("scaling", StringComparison.Ordinal));
        Assert.Contains("spectrum.png", names);
    }

    [Fact]
    public void PredictiveBandsNeedTheToyDataSource()
    {
        var info = ToyInfo() with { DataSource = "sphere" };
        var names = Names(SweepFigures.Draw([.. Sweep(true, 64, 256)], info, Path.Combine(_dir, "plots")));

        Assert.DoesNotContain("toy1d-bands.png", names);
    }
}
