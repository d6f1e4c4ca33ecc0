using System.Diagnostics;
using System.Text.Json;
using LinearizationLab.Empirical;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments;

/// <summary>
/// Runs a width sweep: for each (width, seed) it builds the network, computes Θ̂0, and trains the
/// network and its linearization (Lee et al. 2019) from the same θ0 with the same optimizer and batches,
/// recording at every checkpoint the kernel drift (total and per layer), the output gap between the two
/// models, the weight change, and the losses of network, linearization and NTK-GP. Each run is written
/// atomically to runs/; runs already on disk are skipped, so a killed sweep resumes where it stopped.
/// </summary>
public sealed class SweepRunner(SweepContext context, string outputDirectory)
{
    /// <summary>Folder of the per-run files.</summary>
    public string RunsDirectory => Path.Combine(outputDirectory, "runs");

    /// <summary>
    /// Runs every run of shard <paramref name="shard"/> of <paramref name="shardCount"/> not yet on disk.
    /// Returns how many were run now and how many were found done.
    /// </summary>
    public (int Ran, int Skipped) Run(int shard = 0, int shardCount = 1, IProgress<SweepProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var keys = context.Spec.Runs.Where(k => k.InShard(shard, shardCount)).ToArray();
        int ran = 0, skipped = 0;
        if (context.Spec.Grid.Axes.Count == 0) context.BuildInfo().Write(outputDirectory);   // a grid has one infinite-width side per point
        string hash = context.Spec.ConfigHash;
        var earlier = new List<(int Width, double Seconds)>();
        var pending = keys.Where(k =>
        {
            string path = Path.Combine(RunsDirectory, k.FileName);
            var stored = SweepStore.TryRead(path);
            if (stored is not null && stored.ConfigHash != hash)
                throw new InvalidInputException(path, "config_hash",
                    $"this run was made with a different config ({stored.ConfigHash}, now {hash}); write to another --out, or delete {outputDirectory}");
            if (stored is not null) earlier.Add((stored.Width, stored.WallSeconds));
            return stored is null;
        }).ToHashSet();
        var eta = new SweepEta(keys.Where(pending.Contains).Select(k => k.Width), earlier);
        var clock = Stopwatch.StartNew();
        double totalWork = pending.Sum(Work), workDone = 0;
        // The share done: by time once the remaining time is known, else weighted by parameter count.
        double Fraction(double? remaining, double work)
        {
            double spent = clock.Elapsed.TotalSeconds;
            return remaining is double r ? spent / Math.Max(spent + r, 1e-9) : work / totalWork;
        }
        foreach (var key in keys)
        {
            cancel.ThrowIfCancellationRequested();
            string path = Path.Combine(RunsDirectory, key.FileName);
            if (!pending.Contains(key))
            {
                skipped++;
                continue;
            }
            int done = ran + skipped;
            double work = Work(key), before = workDone;
            var runClock = Stopwatch.StartNew();
            double? networkSeconds = null;   // when the network's training ended and the linearization's began
            var runProgress = progress is null ? null : new ActionProgress<SweepProgress>(p =>
            {
                // The second phase is every comparator in turn: the linearization, then the Taylor models of order ≥ 2.
                int comparator = ComparatorIndex(p.Phase);
                bool second = comparator >= 0;
                if (second) networkSeconds ??= runClock.Elapsed.TotalSeconds;
                double comparators = context.Spec.TaylorOrders.Count;
                double runFraction = second ? eta.RunFraction(true, (comparator + p.Fraction) / comparators)
                    : p.Phase == "network" ? eta.RunFraction(false, p.Fraction) : 0;
                double? remaining = eta.SecondsRemaining(runFraction, runClock.Elapsed.TotalSeconds);
                progress.Report(p with
                {
                    Done = done,
                    Total = keys.Length,
                    WorkFraction = Fraction(remaining, before + work * runFraction),
                    SecondsRemaining = remaining,
                    Point = key.Point.Label,
                });
            });
            var result = RunOne(key, runProgress, cancel);
            SweepStore.Write(path, result);
            eta.Finish(result.WallSeconds, networkSeconds);
            ran++;
            workDone += work;
            double? left = eta.SecondsRemaining();
            progress?.Report(new SweepProgress(ran + skipped, keys.Length, key.Width, key.Seed, "done", 1, Fraction(left, workDone), left, key.Point.Label));
        }
        return (ran, skipped);
    }

    /// <summary>0 for the linearization's phase, i for the i-th Taylor model of order ≥ 2, −1 for other phases.</summary>
    private int ComparatorIndex(string phase)
    {
        if (phase == "linearized") return 0;
        var orders = context.Spec.TaylorOrders;
        for (int i = 1; i < orders.Count; i++)
            if (phase == SweepMetrics.TaylorModel(orders[i])) return i;
        return -1;
    }

    /// <summary>The relative cost of a run before any is measured: its network's parameter count.</summary>
    private double Work(SweepRunKey key) => context.Spec.At(key.Point).Setup.Arch.WithHiddenWidth(key.Width).ParameterCount;

    /// <summary>One (width, seed) run.</summary>
    public SweepRunResult RunOne(SweepRunKey key, IProgress<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Point.IsOrigin)
        {
            // A grid point is a plain width sweep of its own setup; the result records the point.
            var result = new SweepRunner(context.At(key.Point), outputDirectory).RunOne(key with { Point = GridPoint.Origin }, progress, cancel);
            return result with { Point = key.Point.Values.ToDictionary(v => v.Axis, v => v.Value) };
        }
        var clock = Stopwatch.StartNew();
        var spec = context.Spec;
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec.Setup.Arch.WithHiddenWidth(key.Width), key.Seed, spec.Setup.Settings);
        using var data = TrainingData.From(context.Train, context.Test, spec.Setup.Settings);
        var kernelX = data.X.narrow(0, 0, context.KernelCount);
        var ntk = new EmpiricalNtk(network);   // reads the network's parameters as they are trained

        progress?.Report(new SweepProgress(0, 0, key.Width, key.Seed, "kernel", 0));
        var ntk0 = ntk.Compute(kernelX, null, spec.NtkMethod, perLayer: true);
        double nngpDistance = MatrixDistance.RelativeFrobenius(EmpiricalNngp.Compute(network, kernelX), context.AnalyticNngp);
        double ntkDistance = MatrixDistance.RelativeFrobenius(ntk0.Averaged, context.AnalyticNtk);
        double criticalRate = CriticalLearningRate.Of(ntk, data.X, ntk0);
        var optimizer = spec.Setup.Optimizer.WithCriticalLearningRate(criticalRate);
        double? velocity = spec.Setup.Loss is MeanSquaredError ? Velocity(network, data, kernelX, ntk0.Averaged) : null;
        bool plainGd = optimizer.IsFullBatch && optimizer.Momentum == 0;
        if (spec.Hierarchy) progress?.Report(new SweepProgress(0, 0, key.Width, key.Seed, "hierarchy", 0));
        var hierarchy = spec.Hierarchy ? Hierarchy(network, data, optimizer) : null;
        var options = new TrainingOptions(spec.Setup.Loss, optimizer, spec.Setup.Steps, spec.Setup.Checkpoints, key.Seed);
        var trainer = new Trainer(options);
        using var linearized = new LinearizedNetwork(network);

        var network_ = new Dictionary<int, (double[] Train, double[] Test, CheckpointMetrics Metrics)>();
        var drifts = new Dictionary<int, (double WeightChange, double Kernel, double[] Layers)>();
        var rises = new Dictionary<int, (double LossRise, double TopEigenvalueRatio)>();
        var losses = new List<double>();
        var spectrum0 = new GradientDescentMse(ntk0.Averaged).Eigenvalues;   // largest first
        double topEigenvalue0 = spectrum0[0];
        var networkPhase = Phase(progress, key, "network");
        double[,]? finalKernel = null;
        int lastStep = spec.Setup.Checkpoints[^1];
        var netResult = trainer.Train(network, data, (record, model) =>
        {
            network_[record.Step] = (Outputs(trainer, model, data.X), Outputs(trainer, model, data.TestX), record);
            double weightChange = MatrixDistance.RelativeChange(network.Parameters, linearized.InitialParameters);
            var ntkT = record.Step == 0 ? ntk0 : ntk.Compute(kernelX, null, spec.NtkMethod, perLayer: true);
            drifts[record.Step] = (weightChange, MatrixDistance.RelativeFrobenius(ntkT.Averaged, ntk0.Averaged),
                Enumerable.Range(0, ntk0.PerLayer.Count).Select(l => MatrixDistance.RelativeFrobenius(ntkT.PerLayer[l], ntk0.PerLayer[l])).ToArray());
            if (record.Step == lastStep) finalKernel = ntkT.Averaged;
            double initialLoss = losses.Count > 0 ? losses[0] : record.TrainLoss;
            rises[record.Step] = (losses.Append(record.TrainLoss).Max() / initialLoss,
                (record.Step == 0 ? topEigenvalue0 : new GradientDescentMse(ntkT.Averaged).MaxEigenvalue) / topEigenvalue0);
        }, new ActionProgress<TrainingProgress>(p =>
        {
            losses.Add(p.Loss);
            networkPhase?.Report(p);
        }), cancel);

        var linear = new Dictionary<int, (double[] Train, double[] Test, CheckpointMetrics Metrics)>();
        var linResult = trainer.Train(linearized, data,
            (record, model) => linear[record.Step] = (Outputs(trainer, model, data.X), Outputs(trainer, model, data.TestX), record),
            Phase(progress, key, "linearized"), cancel);

        // Taylor models of order ≥ 2 from the same θ0, same optimizer and batches; one that diverges stops its own rows only.
        var taylor = new Dictionary<int, Dictionary<int, (double[] Train, double[] Test, CheckpointMetrics Metrics, double Drift)>>();
        foreach (int order in spec.TaylorOrders.Where(k => k >= 2))
        {
            using var model = new TaylorizedNetwork(network, order, linearized.InitialParameters);
            var rows = taylor[order] = [];
            trainer.Train(model, data, (record, m) =>
            {
                double drift;
                using (var kernelScope = NewDisposeScope())
                    drift = MatrixDistance.RelativeFrobenius(
                        KernelTensors.ToMatrix(KernelTensors.OutputAverage(model.Ntk(kernelX), context.Train.OutputCount)), ntk0.Averaged);
                rows[record.Step] = (Outputs(trainer, m, data.X), Outputs(trainer, m, data.TestX), record, drift);
            }, Phase(progress, key, SweepMetrics.TaylorModel(order)), cancel);
        }

        var checkpoints = new List<SweepCheckpoint>();
        var trackedIndices = Enumerable.Range(0, Math.Min(spec.TrackedOutputs, context.Test.Count)).ToArray();
        var (trackedNet, trackedLin, trackedGp) = (new List<double[]>(), new List<double[]>(), new List<double[]>());
        foreach (int step in spec.Setup.Checkpoints.Where(network_.ContainsKey))
        {
            var (netTrain, netTest, netMetrics) = network_[step];
            // Past the linearization's divergence (η above its η_crit, where the network may still converge: the catapult
            // phase) its values are NaN, so the network's own metrics are kept.
            var (linTrain, linTest, linMetrics) = linear.TryGetValue(step, out var lin) ? lin
                : (NaNs(netTrain.Length), NaNs(netTest.Length), new CheckpointMetrics(step, double.NaN, null, netTest.Length > 0 ? double.NaN : null, null, 0));
            var (weightChange, kernelDrift, layerDrifts) = drifts[step];
            var (gp, gpTest) = NtkGp(optimizer, step);
            bool hasTest = netTest.Length > 0;
            checkpoints.Add(new SweepCheckpoint
            {
                Step = step,
                Network = Model(netMetrics),
                Linearized = Model(linMetrics),
                WeightChange = weightChange,
                KernelDrift = kernelDrift,
                LayerDrifts = layerDrifts,
                NtkInitDistance = ntkDistance,
                NngpInitDistance = nngpDistance,
                OutputRmseTrain = MatrixDistance.Rmse(netTrain, linTrain),
                LossRise = rises[step].LossRise,
                TopEigenvalueRatio = rises[step].TopEigenvalueRatio,
                OutputRelativeRmseTrain = MatrixDistance.Rmse(netTrain, linTrain) / MatrixDistance.Rms(netTrain),
                OutputRmseTest = hasTest ? MatrixDistance.Rmse(netTest, linTest) : null,
                OutputRelativeRmseTest = hasTest ? MatrixDistance.Rmse(netTest, linTest) / MatrixDistance.Rms(netTest) : null,
                Taylor = taylor.Where(t => t.Value.ContainsKey(step)).Select(t =>
                {
                    var (train, test, metrics, drift) = t.Value[step];
                    return new TaylorCheckpoint(t.Key, Model(metrics), MatrixDistance.Rmse(netTrain, train),
                        hasTest ? MatrixDistance.Rmse(netTest, test) : null, drift);
                }).ToArray(),
                KernelVelocity = velocity,
                HierarchyOutputRmseTrain = hierarchy?[step].OutputRmse(netTrain),
                HierarchyKernelDrift = hierarchy?[step].KernelDrift,
                KernelDriftPredicted = velocity is { } v && plainGd ? optimizer.LearningRate * step * v : null,
                NtkGp = gp,
            });
            int o = context.Train.OutputCount;
            trackedNet.Add(trackedIndices.Select(i => netTest[i * o]).ToArray());
            trackedLin.Add(trackedIndices.Select(i => linTest[i * o]).ToArray());
            if (gpTest is not null) trackedGp.Add(trackedIndices.Select(i => gpTest[i * o]).ToArray());
        }

        int outputs = context.Train.OutputCount;
        var lastNet = network_.MaxBy(p => p.Key).Value.Test;
        var lastLin = linear.MaxBy(p => p.Key).Value.Test;
        return new SweepRunResult
        {
            Index = key.Index,
            ConfigHash = context.Spec.ConfigHash,
            Width = key.Width,
            Seed = key.Seed,
            ParameterCount = network.ParameterCount,
            LearningRate = optimizer.LearningRate,
            CriticalLearningRate = criticalRate,
            NtkInitDistance = ntkDistance,
            NngpInitDistance = nngpDistance,
            Diverged = netResult.Diverged,
            LinearizedDiverged = linResult.Diverged,
            DivergenceReason = netResult.DivergenceReason ?? (linResult.DivergenceReason is { } reason ? $"linearization: {reason}" : null),
            WallSeconds = clock.Elapsed.TotalSeconds,
            Checkpoints = checkpoints,
            Spectrum = spectrum0.ToArray(),
            TrackedIndices = trackedIndices,
            TrackedNetwork = trackedNet.ToArray(),
            TrackedLinearized = trackedLin.ToArray(),
            TrackedNtkGp = trackedGp.ToArray(),
            KernelInitial = MatrixBlocks.CornerRows(ntk0.Averaged, SweepInfo.MaxCornerSize),
            KernelFinal = finalKernel is null ? [] : MatrixBlocks.CornerRows(finalKernel, SweepInfo.MaxCornerSize),
            FinalTestNetwork = Enumerable.Range(0, lastNet.Length / outputs).Select(i => lastNet[i * outputs]).ToArray(),
            FinalTestLinearized = Enumerable.Range(0, lastLin.Length / outputs).Select(i => lastLin[i * outputs]).ToArray(),
        };
    }

    /// <summary>
    /// ‖dΘ̂/dτ(0)‖_F/‖Θ̂_0‖_F on the kernel examples (output-averaged) for the gradient flow of the training loss on the whole
    /// training set, at the network's current parameters (θ0): the forward-mode derivative of the structured NTK along −∇L.
    /// </summary>
    private double Velocity(Network network, TrainingData data, Tensor kernelX, double[,] ntk0)
    {
        using var scope = NewDisposeScope();
        var direction = KernelVelocity.FlowDirection(network, network.Parameters, context.Spec.Setup.Loss, data.X, data.Y, data.Labels);
        var rate = KernelVelocity.Along(network, network.Parameters, kernelX, direction);
        return MatrixDistance.RelativeNorm(KernelTensors.ToMatrix(KernelTensors.OutputAverage(rate, context.Train.OutputCount)), ntk0);
    }

    /// <summary>
    /// The truncated NTK hierarchy at θ0 on the training set, followed to every checkpoint t of GD at rate η
    /// (<see cref="NtkHierarchy.GradientDescent"/>): its training outputs y + ε and the output-averaged drift of its kernel.
    /// </summary>
    private Dictionary<int, HierarchyPoint> Hierarchy(Network network, TrainingData data, OptimizerSpec optimizer)
    {
        var hierarchy = NtkHierarchy.AtInitialization(network, data.X, data.Y);
        var steps = context.Spec.Setup.Checkpoints;
        double[] targets = context.Train.Targets;
        int outputs = context.Train.OutputCount, n = context.Train.Count;
        var initial = OutputAverage(hierarchy.InitialKernel, n, outputs);
        return hierarchy.GradientDescent(optimizer.LearningRate, steps).ToDictionary(p => p.Step, p => new HierarchyPoint(
            p.Residual.Select((e, i) => e + targets[i]).ToArray(),
            MatrixDistance.RelativeFrobenius(OutputAverage(p.Kernel, n, outputs), initial)));
    }

    /// <summary>(1/O)·Σ_k Θ[(i,k),(j,k)] of a row-major [N·O, N·O] kernel.</summary>
    private static double[,] OutputAverage(double[] kernel, int n, int outputs)
    {
        var average = new double[n, n];
        int m = n * outputs;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int k = 0; k < outputs; k++) sum += kernel[(i * outputs + k) * m + j * outputs + k];
            average[i, j] = sum / outputs;
        }
        return average;
    }

    /// <summary>The hierarchy at one checkpoint: training outputs [N·O] and kernel drift.</summary>
    private sealed record HierarchyPoint(double[] Outputs, double KernelDrift)
    {
        public double OutputRmse(double[] network) => MatrixDistance.Rmse(network, Outputs);
    }

    /// <summary>The NTK-GP mean's metrics at the time of <paramref name="step"/> and its test outputs; nulls without an NTK-GP.</summary>
    private (ModelMetrics? Metrics, double[]? Test) NtkGp(OptimizerSpec optimizer, int step)
    {
        if (context.NtkGp is null || !optimizer.IsFullBatch) return (null, null);
        int n = context.Train.Count, m = context.Test.Count, o = context.Train.OutputCount;
        var mean = context.NtkGp.Mean(TrainingTime.GradientDescent(optimizer.LearningRate, step));
        var all = new double[(n + m) * o];
        Buffer.BlockCopy(mean, 0, all, 0, all.Length * sizeof(double));
        var (train, test) = (all[..(n * o)], all[(n * o)..]);
        var metrics = new ModelMetrics(
            MeanSquaredError.Of(train, context.Train.Targets, n),
            context.Train.Labels is null ? null : RegressionClassifier.Accuracy(MatrixBlocks.Rows(mean, 0, n), context.Train.Labels),
            m > 0 ? MeanSquaredError.Of(test, context.Test.Targets, m) : null,
            m > 0 && context.Test.Labels is not null ? RegressionClassifier.Accuracy(MatrixBlocks.Rows(mean, n, m), context.Test.Labels) : null);
        return (metrics, test);
    }

    private static double[] NaNs(int count) => Enumerable.Repeat(double.NaN, count).ToArray();

    private static ModelMetrics Model(CheckpointMetrics m) => new(m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy);

    private static double[] Outputs(Trainer trainer, ITrainableModel model, Tensor? x)
    {
        if (x is null) return [];
        using var scope = NewDisposeScope();
        return trainer.Predict(model, x).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    private static IProgress<TrainingProgress>? Phase(IProgress<SweepProgress>? progress, SweepRunKey key, string phase) =>
        progress is null ? null : new ActionProgress<TrainingProgress>(p =>
            progress.Report(new SweepProgress(0, 0, key.Width, key.Seed, phase, p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps)));

}
