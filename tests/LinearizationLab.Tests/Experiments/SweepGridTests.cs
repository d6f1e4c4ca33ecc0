using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Layers;
using LinearizationLab.Plotting;

namespace LinearizationLab.Tests.Experiments;

[Collection("TorchSharp")]
public sealed class SweepGridTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sweep-grid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SweepSpec Parse(string extra, string widths = "[16, 32]", string seeds = "2") =>
        SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(widths, seeds, extra), "sweep.json"));

    [Theory]
    [InlineData(""", "grid": {"depht": [1, 2]}""", "grid.depht", "unknown axis")]
    [InlineData(""", "grid": {"depth": []}""", "grid.depth", "non-empty")]
    [InlineData(""", "grid": {"depth": [0, 2]}""", "grid.depth[0]", "at least 1")]
    [InlineData(""", "grid": {"depth": [1.5]}""", "grid.depth[0]", "whole number")]
    [InlineData(""", "grid": {"learning_rate_fraction": [0.5, -1]}""", "grid.learning_rate_fraction[1]", "greater than 0")]
    [InlineData(""", "grid": {"b_std": [-0.1]}""", "grid.b_std[0]", "at least 0")]
    [InlineData(""", "grid": {"activation": ["relu", "swish"]}""", "grid.activation[1]", "unknown activation")]
    [InlineData(""", "grid": {"w_std": [1, 1]}""", "grid.w_std", "duplicates")]
    [InlineData(""", "grid": {}""", "grid", "names no axis")]
    [InlineData(""", "grid": {"residual_scale_exponent": [-0.5]}""", "grid.residual_scale_exponent[0]", "at least 0")]
    [InlineData(""", "grid": {"residual_scale_exponent": [0.5]}""", "grid", "needs a residual block")]
    [InlineData(""", "grid": {"center": ["yes"]}""", "grid.center[0]", "true or false")]
    [InlineData(""", "grid": {"normalize": ["whiten"]}""", "grid.normalize[0]", "unknown normalization")]
    [InlineData(""", "grid": {"normalize": ["none", "zca"]}""", "grid.normalize", "zca takes its ε from the data section")]
    [InlineData(""", "hierarchy": true, "grid": {"center": [false, true]}""", "hierarchy", "leave true out of the center axis")]
    public void BadGridsAreNamed(string extra, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Parse(extra));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void RunsArePointsTimesWidthsTimesSeedsWithStableNamesAndAPlainSweepKeepsItsNames()
    {
        var spec = Parse(""", "grid": {"learning_rate_fraction": [0.25, 1], "activation": ["relu", "erf"]}""");
        var runs = spec.Runs;
        Assert.Equal(2 * 2 * 2 * 2, runs.Count);
        Assert.Equal(Enumerable.Range(0, 16), runs.Select(r => r.Index));
        Assert.Equal("learning_rate_fraction0.25-activationerf-w0016-s0.json", runs[4].FileName);
        Assert.Equal(16, runs.Select(r => r.FileName).Distinct().Count());
        // Extending the grid does not change the config hash (like widths and seeds), so finished points are kept.
        Assert.Equal(spec.ConfigHash, Parse(""", "grid": {"learning_rate_fraction": [0.25, 1, 2], "activation": ["relu"]}""").ConfigHash);
        Assert.Equal(["w0016-s0.json", "w0016-s1.json", "w0032-s0.json", "w0032-s1.json"], Parse("").Runs.Select(r => r.FileName));
    }

    [Fact]
    public void DepthSetsTheRepeatCountAndTheResidualScaleFollowsIt()
    {
        var arch = Arch.Parse("""
            {"input_shape":[3],"layers":[{"type":"dense","width":8},
            {"type":"repeat","count":2,"layers":[{"type":"residual","layers":[{"type":"relu"},{"type":"dense","width":8}]}]},
            {"type":"dense","width":1}]}
            """);
        var point = new GridPoint([("depth", "16"), ("residual_scale_exponent", "0.5")]);
        var setup = point.Apply(Parse("").Setup with { Arch = arch });
        Assert.Equal(16, Assert.IsType<RepeatBlock>(setup.Arch.Layers[1]).Count);
        Assert.Equal(16, setup.Arch.ResidualBlockCount);
        // Every residual block's scale is R^−1/2 = 1/4 for R = 16 blocks.
        Assert.All(setup.Arch.Layers[1].SelfAndDescendants.OfType<ResidualBlock>(), r => Assert.Equal(0.25, r.Scale));
        Assert.Equal(16 + 2, setup.Arch.Layers.Sum(l => l.Leaves.Count(x => x is DenseLayer)));
    }

    [Fact]
    public void APointSetsDepthVariancesActivationAndTheLearningRateFraction()
    {
        var spec = Parse(""", "grid": {"depth": [3], "w_std": [2.0], "b_std": [0.5], "activation": ["tanh"], "learning_rate_fraction": [1.5]}""");
        var setup = spec.At(spec.Grid.Points.Single()).Setup;
        var affine = setup.Arch.AffineLayerIndices;
        Assert.Equal(4, affine.Count);                                  // three hidden blocks and the readout
        Assert.All(affine.SkipLast(1), i => Assert.Equal(new DenseLayer(8, 2.0, 0.5), setup.Arch.Layers[i]));
        Assert.Equal(spec.Setup.Arch.Layers[^1], setup.Arch.Layers[^1]);   // the readout keeps its own
        Assert.All(setup.Arch.Layers.OfType<ActivationLayer>(), l => Assert.Equal("tanh", l.Function.Name));
        Assert.Equal(1.5, setup.Optimizer.CriticalFraction);
    }

    [Fact]
    public void AGridSweepResumesAndIsSummarizedAndDrawnPerPoint()
    {
        var spec = Parse(""", "grid": {"learning_rate_fraction": [0.25, 0.5], "depth": [1, 2]}""", seeds: "1");
        var context = SweepContext.Create(spec);
        string output = Path.Combine(_dir, "g");
        Assert.Equal((8, 0), new SweepRunner(context, output).Run());
        var file = Path.Combine(output, "runs", "depth2-learning_rate_fraction0.5-w0032-s0.json");
        Assert.True(File.Exists(file));
        File.Delete(file);                                              // as if killed during that run
        Assert.Equal((1, 7), new SweepRunner(context, output).Run());

        var runs = SweepStore.ReadAll(output);
        var run = runs.Single(r => r.Point?["depth"] == "2" && r.Point["learning_rate_fraction"] == "0.5" && r.Width == 32);
        Assert.Equal(0.5 * run.CriticalLearningRate, run.LearningRate, 1e-12);
        var summary = SweepSummary.Build(runs);
        Assert.Equal(4, summary.Fits.Where(f => f.Metric == KernelDriftMetric.Name).Select(f => f.Slice).Distinct().Count());
        Assert.StartsWith("depth=1, learning_rate_fraction=0.25", summary.Fits[0].Slice);
        Assert.StartsWith("depth,learning_rate_fraction,width,seed,step,", SweepStore.SummaryCsv(runs));   // axes in the grid's order

        var files = SweepFigures.Draw(runs, null, Path.Combine(_dir, "plots"));
        Assert.Contains(files, f => Path.GetFileName(f) == "grid-kernel_drift.png");
        Assert.Contains(files, f => Path.GetFileName(f) == "grid-loss-curves.png");
        Assert.Contains(files, f => f.EndsWith(Path.Combine("depth1-learning_rate_fraction0.25", "scaling.png"), StringComparison.Ordinal));
        // One depth-width figure per learning rate: a law in L/n is fitted within one setting of the other axes.
        Assert.Contains(files, f => Path.GetFileName(f) == "depth-width-learning_rate_fraction0.25.png");
        Assert.Contains(files, f => Path.GetFileName(f) == "depth-width-learning_rate_fraction0.5.png");
    }

    [Fact]
    public void CenterAndNormalizeAxesSetTheModelsAndTheDataAndTheComparisonIsDrawnWithCenteredLinesInOnePanel()
    {
        string json = SweepSpecTests.Json(seeds: "1", extra: """, "grid": {"center": [false, true], "normalize": ["unit_norm", "zca"]}""")
            .Replace("\"seed\": 1}", "\"seed\": 1, \"normalize\": \"zca\", \"zca_regularization\": 0.1}");
        var spec = SweepSpec.Read(JsonSection.Parse(json, "sweep.json"));
        Assert.Equal(["center=false, normalize=unit_norm", "center=false, normalize=zca", "center=true, normalize=unit_norm", "center=true, normalize=zca"],
            spec.Grid.Points.Select(p => p.Label));
        var centeredZca = spec.At(spec.Grid.Points[3]).Setup;
        Assert.True(centeredZca.Center);
        Assert.Equal((LinearizationLab.Data.NormalizationKind.Zca, 0.1), (centeredZca.Data.Normalize, centeredZca.Data.ZcaRegularization));
        var plainUnit = spec.At(spec.Grid.Points[0]).Setup;
        Assert.False(plainUnit.Center);
        Assert.Equal(LinearizationLab.Data.NormalizationKind.UnitNorm, plainUnit.Data.Normalize);

        string output = Path.Combine(_dir, "c");
        var context = SweepContext.Create(spec);
        Assert.Equal((8, 0), new SweepRunner(context, output).Run());
        // Each point loads its own data: unit-norm rows have ‖x‖² = d, whitened ones do not.
        var unit = context.At(spec.Grid.Points[0]).Train;
        Assert.Equal(4, unit.Inputs.Take(4).Sum(v => v * v), 1e-12);
        Assert.NotEqual(unit.Inputs, context.At(spec.Grid.Points[1]).Train.Inputs);
        // Centering changes neither the data nor the kernels: the centered point shares its twin's, computed once.
        Assert.Same(context.At(spec.Grid.Points[1]).AllTrain, context.At(spec.Grid.Points[3]).AllTrain);
        Assert.Same(context.At(spec.Grid.Points[1]).InfiniteWidthTest, context.At(spec.Grid.Points[3]).InfiniteWidthTest);
        Assert.True(context.At(spec.Grid.Points[3]).Spec.Setup.Center);
        // Centering starts every model at f = 0 on every input.
        var centered = SweepStore.ReadAll(output).First(r => r.Point?["center"] == "true");
        Assert.Equal(0.5 * context.Test.Targets.Sum(y => y * y) / context.Test.Count, centered.Checkpoints[0]["network_test_loss"]!.Value, 1e-12);

        var rows = SweepComparison.Write(output);
        Assert.Equal(8, rows.Count);
        Assert.True(File.Exists(Path.Combine(output, SweepComparison.FileName)));
        var files = SweepFigures.Draw(output, Path.Combine(_dir, "plots"));
        Assert.Contains(files, f => f == Path.Combine(_dir, "plots", "comparison.png"));
        Assert.Contains(files, f => f == Path.Combine(_dir, "plots", "centertrue-normalizezca", "comparison.png"));
    }

    [Fact]
    public void TheDepthWidthFitRecoversAPowerOfTheAspectRatio()
    {
        // Runs whose NTK distance is exactly 0.7·(L/n)^0.5: the fit over (depth, width) cells returns 0.5 and 0.7.
        var runs = (from depth in new[] { 1, 2, 4, 8 }
                    from width in new[] { 64, 256, 1024 }
                    select new SweepRunResult
                    {
                        Width = width,
                        Point = new Dictionary<string, string> { ["depth"] = depth.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        Checkpoints = [new SweepCheckpoint(10,
                        [
                            (LossAndAccuracyMetric.NameOf("network", "loss", "train"), 1),
                            (LossAndAccuracyMetric.NameOf("linearized", "loss", "train"), 1),
                            (NtkInitDistanceMetric.Name, 0.7 * Math.Sqrt((double)depth / width)),
                        ])],
                    }).ToArray();
        var fit = DepthWidthFigure.Fit(runs, NtkInitDistanceMetric.Name)!.Value;
        Assert.Equal(0.5, fit.Exponent, 1e-12);
        Assert.Equal(0.7, fit.Prefactor, 1e-12);
        Assert.Equal(12, fit.Cells);
    }
}
