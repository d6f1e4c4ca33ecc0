using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Tests.Experiments;

[Collection("TorchSharp")]
public sealed class SweepRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sweep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SweepSpec Spec(string extra = "") =>
        SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(extra: extra), "sweep.json"));

    private string Out(string name) => Path.Combine(_dir, name);

    private static string TrainLoss(string model) => LossAndAccuracyMetric.NameOf(model, "loss", "train");

    [Fact]
    public void EveryRunIsWrittenAndARerunSkipsFinishedRuns()
    {
        var spec = Spec();
        var context = SweepContext.Create(spec);
        Assert.Equal((4, 0), new SweepRunner(context, Out("a")).Run());
        var files = Directory.GetFiles(Path.Combine(Out("a"), "runs")).Order().ToArray();
        Assert.Equal(["w0016-s0.json", "w0016-s1.json", "w0032-s0.json", "w0032-s1.json"], files.Select(Path.GetFileName));
        var stamps = files.Select(File.GetLastWriteTimeUtc).ToArray();

        Assert.Equal((0, 4), new SweepRunner(context, Out("a")).Run());
        Assert.Equal(stamps, files.Select(File.GetLastWriteTimeUtc));

        File.Delete(files[2]);                      // as if killed during that run
        File.WriteAllText(files[3], "{ \"width\": 3");   // or while writing by some other tool
        Assert.Equal((2, 2), new SweepRunner(context, Out("a")).Run());
    }

    [Fact]
    public void EachRunRecordsWhereItsTimeWent()
    {
        var spec = Spec(""", "taylor_orders": [1, 2]""");
        new SweepRunner(SweepContext.Create(spec), Out("p")).Run();
        foreach (var run in SweepStore.ReadAll(Out("p")))
        {
            var phases = run.PhaseSeconds!;
            foreach (string phase in new[] { "initial_ntk", "critical_learning_rate", "linearization_steps", "linearization_checkpoints",
                         "taylor2_steps", "taylor2_checkpoints", "network_steps", "metric_kernel_drift" })
                Assert.Contains(phase, phases.Keys);
            Assert.All(phases.Values, s => Assert.True(s >= 0));
            // The phases are disjoint parts of the run: together no longer than it.
            Assert.InRange(phases.Values.Sum(), 0, run.WallSeconds);
        }
    }

    [Fact]
    public void TaylorModelsAreTrainedAlongsideAndTheirMetricsSummarized()
    {
        var spec = Spec(""", "taylor_orders": [1, 2, 3]""");
        new SweepRunner(SweepContext.Create(spec), Out("t")).Run();
        var runs = SweepStore.ReadAll(Out("t"));
        foreach (var run in runs)
        foreach (var c in run.Checkpoints)
        {
            Assert.Equal([2, 3], TaylorModelsMetric.OrdersIn(c));
            Assert.NotNull(c[KernelVelocityMetric.Name]);
            // GD at the run's rate for t steps: the predicted drift is linear in t from 0.
            Assert.Equal(c.Step * run.LearningRate * c[KernelVelocityMetric.Name]!.Value, c[KernelDriftPredictedMetric.Name]!.Value, 1e-12);
        }
        foreach (var c in runs.Select(r => r.Checkpoints[0]))
        {
            // At step 0 every model is f(θ0) and every kernel Θ̂0.
            Assert.All(TaylorModelsMetric.OrdersIn(c), k => Assert.Equal(0, c[TaylorModelsMetric.OutputRmse("train", k)]));
            Assert.All(TaylorModelsMetric.OrdersIn(c), k => Assert.Equal(0, c[TaylorModelsMetric.KernelDrift(k)]!.Value, 1e-12));
        }
        var fitted = SweepSummary.Build(runs).Fits.Select(f => f.Metric).ToArray();
        Assert.Contains(TaylorModelsMetric.OutputRmse("test", 3), fitted);
        Assert.Contains(TaylorModelsMetric.KernelDrift(2), fitted);
        Assert.Contains(KernelVelocityMetric.Name, fitted);
    }

    [Fact]
    public void TheTruncatedHierarchyIsFollowedBesideTheNetwork()
    {
        var spec = Spec(""", "hierarchy": true""");
        new SweepRunner(SweepContext.Create(spec), Out("h")).Run();
        var runs = SweepStore.ReadAll(Out("h"));
        foreach (var run in runs)
        {
            var first = run.Checkpoints[0];
            Assert.Equal(0, first[HierarchyOutputGapMetric.Name]!.Value, 1e-12);   // at t = 0 it is f(θ0) on the training set
            Assert.Equal(0, first[HierarchyKernelDriftMetric.Name]);
            Assert.All(run.Checkpoints.Skip(1), c => Assert.True(c[HierarchyKernelDriftMetric.Name] > 0));
        }
        Assert.Contains(SweepSummary.Build(runs).Fits, f => f.Metric == HierarchyKernelDriftMetric.Name);
    }

    [Fact]
    public void RunsMadeWithAnotherConfigAreNotReused()
    {
        var context = SweepContext.Create(Spec());
        new SweepRunner(context, Out("c")).Run(0, 4);
        var changed = SweepContext.Create(Spec(""", "ntk_method": "ntvp" """));
        Assert.NotEqual(context.Spec.ConfigHash, changed.Spec.ConfigHash);
        var e = Assert.Throws<InvalidInputException>(() => new SweepRunner(changed, Out("c")).Run());
        Assert.Equal("config_hash", e.Field);
        // More seeds or widths are the same experiment: the finished run is kept.
        var extended = SweepContext.Create(SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(widths: "[16, 32, 64]"), "sweep.json")));
        Assert.Equal(context.Spec.ConfigHash, extended.Spec.ConfigHash);
        Assert.Equal((5, 1), new SweepRunner(extended, Out("c")).Run());
    }

    [Fact]
    public void ACancelledSweepResumesAndShardsMergeToTheFullSweep()
    {
        var spec = Spec();
        var context = SweepContext.Create(spec);
        using var cancel = new CancellationTokenSource();
        var progress = new ActionProgress<SweepProgress>(p => { if (p.Phase == "done" && p.Done == 1) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new SweepRunner(context, Out("full")).Run(0, 1, progress, cancel.Token));
        Assert.Single(Directory.GetFiles(Path.Combine(Out("full"), "runs")));
        Assert.Equal((3, 1), new SweepRunner(context, Out("full")).Run());

        Assert.Equal((2, 0), new SweepRunner(context, Out("s0")).Run(0, 2));
        Assert.Equal((2, 0), new SweepRunner(context, Out("s1")).Run(1, 2));
        File.WriteAllText(Path.Combine(Out("s1"), SweepSpec.ConfigFileName), spec.ToJson());
        Assert.Equal(4, SweepStore.Merge([Out("s0"), Out("s1")], Out("merged")));
        Assert.Equal(spec.ToJson(), File.ReadAllText(Path.Combine(Out("merged"), SweepSpec.ConfigFileName)));   // the config's copy comes along
        // Same config and seed give the same numbers: the merged shards equal the single-process sweep.
        Assert.Equal(SweepStore.SummaryCsv(SweepStore.ReadAll(Out("full"))), SweepStore.SummaryCsv(SweepStore.ReadAll(Out("merged"))));
    }

    [Fact]
    public void ShardsShareOneFolderAndAnUnshardedResumeMakesUpForAKilledOne()
    {
        // A cluster array job: every task writes into one folder; task 1 dies after its first run; the final job
        // (unsharded, resuming) reruns exactly what is missing, and the result equals the single-process sweep.
        var context = SweepContext.Create(Spec());
        string shared = Out("shared");
        Assert.Equal((2, 0), new SweepRunner(context, shared).Run(0, 2));
        string sweepJson = File.ReadAllText(Path.Combine(shared, SweepInfo.FileName));
        using var cancel = new CancellationTokenSource();
        var progress = new ActionProgress<SweepProgress>(p => { if (p.Phase == "done") cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new SweepRunner(context, shared).Run(1, 2, progress, cancel.Token));
        Assert.Equal(sweepJson, File.ReadAllText(Path.Combine(shared, SweepInfo.FileName)));   // every task writes the same sweep.json
        Assert.Equal(3, Directory.GetFiles(Path.Combine(shared, "runs")).Length);

        Assert.Equal((1, 3), new SweepRunner(context, shared).Run());
        Assert.Equal((4, 0), new SweepRunner(context, Out("single")).Run());
        Assert.Equal(SweepStore.SummaryCsv(SweepStore.ReadAll(Out("single"))), SweepStore.SummaryCsv(SweepStore.ReadAll(shared)));
        Assert.Equal(File.ReadAllText(Path.Combine(Out("single"), SweepInfo.FileName)), sweepJson);
    }

    [Fact]
    public void ProgressCarriesAnEstimateFromTheSecondWidthOnAndAResumedSweepHasOneAtOnce()
    {
        var context = SweepContext.Create(Spec());   // widths 16, 32 × 2 seeds
        var reports = new List<SweepProgress>();
        new SweepRunner(context, Out("e")).Run(0, 1, new ActionProgress<SweepProgress>(reports.Add));
        // One width measured says nothing about the next; once a run at 32 is done, the remaining one is predicted.
        Assert.All(reports.Where(r => r.Width == 16), r => Assert.Null(r.SecondsRemaining));
        var done = reports.Where(r => r.Phase == "done").ToArray();
        Assert.Equal(4, done.Length);
        Assert.NotNull(done[2].SecondsRemaining);
        Assert.Equal(0, done[3].SecondsRemaining);
        Assert.Equal(1, done[3].WorkFraction, 12);   // a sum of four run shares: round-off only

        File.Delete(Path.Combine(Out("e"), "runs", "w0032-s1.json"));
        reports.Clear();
        Assert.Equal((1, 3), new SweepRunner(context, Out("e")).Run(0, 1, new ActionProgress<SweepProgress>(reports.Add)));
        // The runs on disk (wall_seconds) predict the missing one before it has taken a step.
        Assert.NotNull(reports[0].SecondsRemaining);
    }

    [Theory]
    [InlineData("", "")]                                // Θ̂0 on the whole training set, reused from step 0
    [InlineData(""", "kernel_examples": 5""", "")]    // computed by the function-space model itself
    [InlineData("", ", \"weight_decay\": 0.05")]       // with the coefficient along θ0
    public void TheLinearizationInFunctionSpaceGivesTheParameterSpaceMetrics(string extra, string optimizer)
    {
        SweepRunResult Run(string space)
        {
            string json = SweepSpecTests.Json(extra: $""", "linearization": "{space}" {extra}""")
                .Replace("\"type\": \"gd\"", "\"type\": \"gd\"" + optimizer);
            var context = SweepContext.Create(SweepSpec.Read(JsonSection.Parse(json, "sweep.json")));
            return new SweepRunner(context, Out(space)).RunOne(context.Spec.Runs[0]);
        }
        var functionSpace = Run("function_space");
        var parameterSpace = Run("parameter_space");
        Assert.Equal(parameterSpace.Checkpoints.Count, functionSpace.Checkpoints.Count);
        foreach (var (a, b) in functionSpace.Checkpoints.Zip(parameterSpace.Checkpoints))
        foreach (var (name, expected) in b.Values)
        {
            double? actual = a[name];
            Assert.Equal(expected is null, actual is null);
            if (expected is { } e)
                Assert.True(Math.Abs(actual!.Value - e) <= 1e-10 * Math.Abs(e) + 1e-14, $"{name} at step {b.Step}: {actual} against {e}");
        }
    }

    [Fact]
    public void UnderAdamTheLinearizationTrainsInParameterSpaceAndTheClosedFormsAreLeftOut()
    {
        string json = SweepSpecTests.Json(widths: "[16]", seeds: "1")
            .Replace("{\"type\": \"gd\", \"learning_rate_fraction\": 0.5}", "{\"type\": \"adam\", \"learning_rate\": 0.01}");
        var context = SweepContext.Create(SweepSpec.Read(JsonSection.Parse(json, "sweep.json")));
        var run = new SweepRunner(context, Out("adam")).RunOne(context.Spec.Runs[0]);
        var end = run.Checkpoints[^1];
        Assert.True(end[TrainLoss("linearized")] < run.Checkpoints[0][TrainLoss("linearized")]);
        Assert.True(end[OutputGapMetric.RmseTest] > 0);
        Assert.Null(end[TrainLoss("ntkgp")]);
        Assert.Null(end[KernelDriftPredictedMetric.Name]);
        Assert.Equal(0.01, run.LearningRate);
    }

    [Fact]
    public void CenteringRemovesTheInitialFunctionFromEveryModel()
    {
        SweepRunResult Run(string extra, string name)
        {
            var context = SweepContext.Create(Spec(extra + """, "taylor_orders": [1, 2]"""));
            return new SweepRunner(context, Out(name)).RunOne(context.Spec.Runs[0]);
        }
        var plain = Run("", "plain");
        var centered = Run(""", "center": true""", "centered");
        var start = centered.Checkpoints[0];
        // f − f0 = 0 at step 0: every centered model's loss is ½·mean‖y‖², the NTK-GP mean's (prior mean 0) too.
        Assert.Equal(start[TrainLoss("ntkgp")]!.Value, start[TrainLoss("network")]!.Value, 14);
        Assert.Equal(start[TrainLoss("ntkgp")]!.Value, start[TrainLoss("linearized")]!.Value, 14);
        Assert.Equal(start[TrainLoss("ntkgp")]!.Value, start[TrainLoss("taylor2")]!.Value, 14);
        // The kernels at θ0 do not see f0; the training does (it fits y + f0 instead of y), so the trajectories part.
        Assert.Equal(plain.NtkInitDistance, centered.NtkInitDistance);
        Assert.Equal(0, start[OutputGapMetric.RmseTest]);
        Assert.NotEqual(plain.Checkpoints[^1][TrainLoss("network")], centered.Checkpoints[^1][TrainLoss("network")]);
        Assert.True(centered.Checkpoints[^1][TrainLoss("network")] < start[TrainLoss("network")]);
    }

    [Fact]
    public void CheckpointMetricsStateTheFactsOfStepZero()
    {
        var context = SweepContext.Create(Spec());
        var run = new SweepRunner(context, Out("z")).RunOne(context.Spec.Runs[0]);
        var start = run.Checkpoints[0];
        Assert.Equal(0, start.Step);
        Assert.Equal(0.0, start[KernelDriftMetric.Name]);
        Assert.Equal(0.0, start[WeightChangeMetric.Name]);
        Assert.Equal(0.0, start[OutputGapMetric.RmseTest]);   // f_lin(θ0) = f(θ0) exactly
        Assert.Equal(start[TrainLoss("network")], start[TrainLoss("linearized")]);
        // The NTK-GP mean starts at the prior mean 0: its loss is ½·mean‖y‖².
        double halfMeanSquare = 0.5 * context.Train.Targets.Sum(y => y * y) / context.Train.Count;
        // Both are the same few float64 operations on O(1) values in another order: 12 decimals is round-off.
        Assert.Equal(halfMeanSquare, start[TrainLoss("ntkgp")]!.Value, 12);
        Assert.Equal(0.5 * run.CriticalLearningRate, run.LearningRate, 12);
        var end = run.Checkpoints[^1];
        Assert.True(end[KernelDriftMetric.Name] > 0);
        Assert.True(end[TrainLoss("network")] < start[TrainLoss("network")]);
        Assert.True(end[TrainLoss("linearized")] < start[TrainLoss("linearized")]);
        Assert.Equal(3, run.Checkpoints[^1].Values.Count(v => v.Name.StartsWith("kernel_drift_layer", StringComparison.Ordinal)));
    }
}
