using System.Diagnostics;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments;

/// <summary>
/// Runs a width sweep: for each (width, seed) it builds the network, computes Θ̂0, and trains the network and its
/// linearization (Lee et al. 2019), and the sweep's other comparators, from the same θ0 with the same optimizer and
/// batches, recording at every checkpoint the registered metrics (<see cref="SweepMetricRegistry"/>). Each run is written
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
            double? comparatorSeconds = null;   // when the comparators' training ended and the network's began
            var runProgress = progress is null ? null : new ActionProgress<SweepProgress>(p =>
            {
                // The first phase is every comparator in turn (the linearization, then the Taylor models of order ≥ 2), the
                // second the network, whose checkpoints evaluate the metrics.
                int comparator = ComparatorIndex(p.Phase);
                bool second = p.Phase == NetworkLossAndAccuracyMetric.ModelName;
                if (second) comparatorSeconds ??= runClock.Elapsed.TotalSeconds;
                double comparators = context.Spec.TaylorOrders.Count;
                double runFraction = second ? eta.RunFraction(true, p.Fraction)
                    : comparator >= 0 ? eta.RunFraction(false, (comparator + p.Fraction) / comparators) : 0;
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
            // The outputs first: a run is done when its JSON exists, so a run killed in between is run again.
            if (result.TestOutputs is not null) SweepEnsemble.WriteOutputs(path, result, context.Test.Targets, context.Test.OutputCount);
            SweepStore.Write(path, result);
            eta.Finish(result.WallSeconds, comparatorSeconds);
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
        if (phase == LinearizedLossAndAccuracyMetric.ModelName) return 0;
        var orders = context.Spec.TaylorOrders;
        for (int i = 1; i < orders.Count; i++)
            if (phase == TaylorModelsMetric.ModelName(orders[i])) return i;
        return -1;
    }

    /// <summary>The relative cost of a run before any is measured: its network's parameter count.</summary>
    private double Work(SweepRunKey key) => context.Spec.At(key.Point).Setup.Arch.WithHiddenWidth(key.Width).ParameterCount;

    /// <summary>
    /// One (width, seed) run: trains the comparators from θ0 (the linearization, the Taylor models of order ≥ 2, the
    /// truncated hierarchy), then the network with the same optimizer and batches, and at each of the network's checkpoints
    /// evaluates every registered metric (<see cref="SweepMetricRegistry"/>) on what that checkpoint shows (<see cref="CheckpointView"/>).
    /// </summary>
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
        var phases = new PhaseTimes();
        var spec = context.Spec;
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec.Setup.Arch.WithHiddenWidth(key.Width), key.Seed, spec.Setup.Settings);
        using var data = TrainingData.From(context.Train, context.Test, spec.Setup.Settings);
        var kernelX = data.X.narrow(0, 0, context.KernelCount);
        var ntk = new EmpiricalNtk(network);   // reads the network's parameters as they are trained

        progress?.Report(new SweepProgress(0, 0, key.Width, key.Seed, "kernel", 0));
        var ntk0 = phases.Time("initial_ntk", () => ntk.Compute(kernelX, null, spec.NtkMethod, perLayer: true));
        using var linearized = new LinearizedNetwork(network);
        // The choice of space and the model do not depend on η (only on the optimizer's kind and weight decay); its Θ̂0 on the
        // training set, when it has one, gives η_crit by matrix-vector products.
        using var functionSpace = phases.Time("function_space_kernel", () =>
            FunctionSpaceLinearization.ForTraining(linearized, data, spec.Setup.Optimizer, spec.Setup.LinearizationSpace, ntk0.Full));
        double criticalRate = phases.Time("critical_learning_rate", () => CriticalLearningRate.Of(ntk, data.X, ntk0, functionSpace?.TrainKernel));
        var optimizer = spec.Setup.Optimizer.WithCriticalLearningRate(criticalRate);
        var trainer = new Trainer(new TrainingOptions(spec.Setup.Loss, optimizer, spec.Setup.Steps, spec.Setup.Checkpoints, key.Seed));
        using var run = new RunView(context, network, linearized.InitialParameters, data, kernelX, ntk, ntk0, optimizer);

        // The comparators, each from θ0 with the same optimizer and batches, before the network: its checkpoints see them all.
        if (spec.Hierarchy) progress?.Report(new SweepProgress(0, 0, key.Width, key.Seed, "hierarchy", 0));
        var hierarchy = spec.Hierarchy ? Hierarchy(network, data, optimizer, phases) : null;
        var linear = new Dictionary<int, ModelCheckpoint>();
        var theta0 = linearized.InitialParameters;
        ITrainableModel linearModel = (ITrainableModel?)functionSpace ?? linearized;
        using var centeredLinear = spec.Setup.Centered(linearModel, network, theta0, data);
        var linResult = phases.Time("linearization_steps", () => trainer.Train((ITrainableModel?)centeredLinear ?? linearModel, data,
            (record, outputs, model) =>
            {
                using var timed = phases.Measure("linearization_checkpoints");
                linear[record.Step] = new(outputs.Train, outputs.Test, record)
                {
                    Displacement = (model as IDisplacementModel)?.DisplacementNorm(),
                };
            },
            Phase(progress, key, LinearizedLossAndAccuracyMetric.ModelName), cancel));
        // A Taylor model that diverges stops its own values only.
        var taylor = new Dictionary<int, Dictionary<int, TaylorModelCheckpoint>>();
        foreach (int order in spec.TaylorOrders.Where(k => k >= 2))
        {
            using var model = new TaylorizedNetwork(network, order, theta0);
            using var centeredTaylor = spec.Setup.Centered(model, network, theta0, data);
            var rows = taylor[order] = [];
            phases.Time($"taylor{order}_steps", () => trainer.Train((ITrainableModel?)centeredTaylor ?? model, data, (record, outputs, _) =>
            {
                using var timed = phases.Measure($"taylor{order}_checkpoints");
                double[,] kernel;
                using (var kernelScope = NewDisposeScope())
                    kernel = KernelTensors.ToMatrix(KernelTensors.OutputAverage(model.Ntk(kernelX), context.Train.OutputCount));
                rows[record.Step] = new(order, new(outputs.Train, outputs.Test, record), kernel);
            }, Phase(progress, key, TaylorModelsMetric.ModelName(order)), cancel));
        }

        var checkpoints = new List<SweepCheckpoint>();
        var trackedIndices = Enumerable.Range(0, Math.Min(spec.TrackedOutputs, context.Test.Count)).ToArray();
        var (trackedNet, trackedLin, trackedGp) = (new List<double[]>(), new List<double[]>(), new List<double[]>());
        var losses = new List<double>();
        var (testOutputs, gpTestOutputs) = (new List<double[]>(), new List<double[]>());
        var networkPhase = Phase(progress, key, NetworkLossAndAccuracyMetric.ModelName);
        double[]? lastNet = null;
        double[,]? finalKernel = null;
        int lastStep = spec.Setup.Checkpoints[^1], outputs = context.Train.OutputCount, n = context.Train.Count;
        using var centeredNetwork = spec.Setup.Centered(network, network, theta0, data);
        var netResult = phases.Time("network_steps", () => trainer.Train((ITrainableModel?)centeredNetwork ?? network, data, (record, values, _) =>
        {
            int step = record.Step;
            var net = new ModelCheckpoint(values.Train, values.Test, record);
            var lin = linear.GetValueOrDefault(step) ?? ModelCheckpoint.Diverged(step, net.Train.Length, net.Test.Length);
            var view = new CheckpointView(run, step, net, lin, taylor.Values.Where(t => t.ContainsKey(step)).Select(t => t[step]).ToArray(),
                hierarchy?[step], losses.ToArray());
            checkpoints.Add(SweepMetricRegistry.Evaluate(view, phases));
            if (step == lastStep) finalKernel = view.Ntk.Averaged;
            lastNet = net.Test;
            trackedNet.Add(trackedIndices.Select(i => net.Test[i * outputs]).ToArray());
            trackedLin.Add(trackedIndices.Select(i => lin.Test[i * outputs]).ToArray());
            if (view.NtkGpMean is { } gp) trackedGp.Add(trackedIndices.Select(i => gp[n + i, 0]).ToArray());
            if (spec.Ensemble is not null)
            {
                testOutputs.Add(net.Test);
                if (view.NtkGpMean is { } mean)
                    gpTestOutputs.Add(Enumerable.Range(0, context.Test.Count * outputs).Select(e => mean[n + e / outputs, e % outputs]).ToArray());
            }
        }, new ActionProgress<TrainingProgress>(p =>
        {
            losses.Add(p.Loss);
            networkPhase?.Report(p);
        }), cancel));

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
            NtkInitDistance = checkpoints[0][NtkInitDistanceMetric.Name],
            NngpInitDistance = checkpoints[0][NngpInitDistanceMetric.Name],
            Diverged = netResult.Diverged,
            LinearizedDiverged = linResult.Diverged,
            DivergenceReason = netResult.DivergenceReason ?? (linResult.DivergenceReason is { } reason ? $"linearization: {reason}" : null),
            WallSeconds = clock.Elapsed.TotalSeconds,
            PhaseSeconds = phases.Seconds,
            Checkpoints = checkpoints,
            Spectrum = run.InitialSpectrum,
            TrackedIndices = trackedIndices,
            TrackedNetwork = trackedNet.ToArray(),
            TrackedLinearized = trackedLin.ToArray(),
            TrackedNtkGp = trackedGp.ToArray(),
            KernelInitial = MatrixBlocks.CornerRows(ntk0.Averaged, SweepInfo.MaxCornerSize),
            KernelFinal = finalKernel is null ? [] : MatrixBlocks.CornerRows(finalKernel, SweepInfo.MaxCornerSize),
            FinalTestNetwork = Enumerable.Range(0, lastNet!.Length / outputs).Select(i => lastNet[i * outputs]).ToArray(),
            FinalTestLinearized = Enumerable.Range(0, lastLin.Length / outputs).Select(i => lastLin[i * outputs]).ToArray(),
            TestOutputs = spec.Ensemble is null ? null : SweepEnsemble.Rows(testOutputs),
            NtkGpTestOutputs = spec.Ensemble is null || gpTestOutputs.Count != testOutputs.Count ? null : SweepEnsemble.Rows(gpTestOutputs),
        };
    }

    /// <summary>
    /// The truncated NTK hierarchy at θ0 on the training set, followed to every checkpoint t of GD at rate η
    /// (<see cref="NtkHierarchy.GradientDescent"/>): its training outputs y + ε and its output-averaged kernel.
    /// </summary>
    private Dictionary<int, HierarchyCheckpoint> Hierarchy(Network network, TrainingData data, OptimizerSpec optimizer, PhaseTimes phases)
    {
        var hierarchy = NtkHierarchy.AtInitialization(network, data.X, data.Y, phases);
        using var timed = phases.Measure("hierarchy_gradient_descent");
        var steps = context.Spec.Setup.Checkpoints;
        double[] targets = context.Train.Targets;
        int outputs = context.Train.OutputCount, n = context.Train.Count;
        var initial = OutputAverage(hierarchy.InitialKernel, n, outputs);
        return hierarchy.GradientDescent(optimizer.LearningRate, steps).ToDictionary(p => p.Step, p => new HierarchyCheckpoint(
            p.Residual.Select((e, i) => e + targets[i]).ToArray(), OutputAverage(p.Kernel, n, outputs), initial));
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

    private static IProgress<TrainingProgress>? Phase(IProgress<SweepProgress>? progress, SweepRunKey key, string phase) =>
        progress is null ? null : new ActionProgress<TrainingProgress>(p =>
            progress.Report(new SweepProgress(0, 0, key.Width, key.Seed, phase, p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps)));

}
