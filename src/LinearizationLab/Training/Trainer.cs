using LinearizationLab.Layers;
using LinearizationLab.Networks;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>
/// Trains any <see cref="ITrainableModel"/> (a network or its linearization) with the same loss,
/// optimizer and batches. Metrics are recorded after the steps listed in the options; a run stops
/// cleanly as diverged when the loss becomes NaN/Inf or exceeds <see cref="DivergenceFactor"/> × its
/// initial value.
/// </summary>
public sealed class Trainer(TrainingOptions options)
{
    /// <summary>A loss above this multiple of the initial training loss counts as divergence.</summary>
    public const double DivergenceFactor = 1e6;

    /// <summary>Examples per forward pass when evaluating metrics (bounds memory on large sets).</summary>
    public int EvaluationBatchSize { get; init; } = 4096;

    /// <summary>The options of this trainer.</summary>
    public TrainingOptions Options => options;

    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="TrainingOptions.Steps"/> updates. At each checkpoint,
    /// <paramref name="onCheckpoint"/> sees the model's outputs on both sets (the ones the losses were computed from) and
    /// may add metrics to the <see cref="CheckpointMetrics.Extra"/> of the record.
    /// </summary>
    public TrainingResult Train(ITrainableModel model, TrainingData data,
        Action<CheckpointMetrics, CheckpointOutputs, ITrainableModel>? onCheckpoint = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (options.Loss.NeedsLabels && data.Labels is null)
            throw new ArgumentException($"loss {options.Loss.Name} needs class labels but the training set has none");
        var clock = Stopwatch.StartNew();
        var checkpoints = new SortedSet<int>(options.Checkpoints.Where(s => s >= 0 && s <= options.Steps));
        var records = new List<CheckpointMetrics>();
        var schedule = new BatchSchedule(data.Count, options.Optimizer.BatchSize, options.Seed);
        using var optimizer = options.Optimizer.Create(model);
        bool backprop = model is IBackpropModel { TrainsByHand: true };

        double initialLoss = double.NaN;
        for (int step = 0; ; step++)
        {
            cancel.ThrowIfCancellationRequested();
            CheckpointMetrics? record = null;
            if (checkpoints.Contains(step) || step == 0)
            {
                bool hooked = onCheckpoint is not null && checkpoints.Contains(step);
                (record, var outputs) = Evaluated(model, data, step, clock.Elapsed.TotalSeconds, hooked);
                if (step == 0) initialLoss = record.TrainLoss;
                else if (DivergenceReason(record.TrainLoss, initialLoss) is { } reason)
                    return new TrainingResult(records, step, true, step, reason, clock.Elapsed.TotalSeconds);
                if (checkpoints.Contains(step))
                {
                    if (hooked) onCheckpoint!(record, outputs!, model);
                    records.Add(record);
                }
            }
            if (step == options.Steps)
                return new TrainingResult(records, step, false, null, null, clock.Elapsed.TotalSeconds);

            using var stepScope = NewDisposeScope();
            var (loss, update) = backprop
                ? BackpropStep((IBackpropModel)model, data, schedule, sameBatch: schedule.IsFullBatch && step > 0)
                : AutogradStep(model, data, schedule);
            progress?.Report(new TrainingProgress(step + 1, options.Steps, loss));
            string? divergence = DivergenceReason(loss, initialLoss);
            if (divergence is not null)
                return new TrainingResult(records, step + 1, true, step + 1, divergence, clock.Elapsed.TotalSeconds);
            if (update is null) optimizer.Step();
            else
            {
                update(optimizer);
                optimizer.EndStep();
            }
        }
    }

    /// <summary>Why a loss means divergence, or null: NaN/Inf, or above <see cref="DivergenceFactor"/> × the initial loss.</summary>
    public static string? DivergenceReason(double loss, double initialLoss)
    {
        if (!double.IsFinite(loss)) return $"loss became {loss}";
        if (loss > DivergenceFactor * Math.Max(initialLoss, 1e-300))
            return $"loss {loss:G4} exceeds {DivergenceFactor:G0} × the initial {initialLoss:G4}";
        return null;
    }

    /// <summary>
    /// Forward and backward on this step's batch through autograd; returns the batch loss and no update (the caller applies
    /// the optimizer to the gradients only if the loss is finite, so a diverged run keeps its last finite parameters).
    /// </summary>
    private (double Loss, Action<IOptimizer>? Update) AutogradStep(ITrainableModel model, TrainingData data, BatchSchedule schedule)
    {
        var (x, y, labels, _) = Batch(data, schedule);
        using var grad = enable_grad();   // whatever the caller's mode: a step records its graph
        var loss = options.Loss.Value(model.Forward(x), y, labels);
        loss.backward();
        return (loss.ToNumber(), null);
    }

    /// <summary>
    /// The forward pass through the model's own buffers and the batch loss; the returned update runs the hand-written reverse
    /// pass with the optimizer fused into it. Only the loss crosses to the host, once per step.
    /// </summary>
    private (double Loss, Action<IOptimizer>? Update) BackpropStep(IBackpropModel model, TrainingData data, BatchSchedule schedule,
        bool sameBatch)
    {
        var (x, y, labels, rows) = Batch(data, schedule);
        using var noGrad = no_grad();
        var f = model.ForwardForBackprop(x, sameBatch, rows);
        double loss = options.Loss.Value(f, y, labels).ToNumber();
        return (loss, optimizer =>
        {
            using var noGradUpdate = no_grad();
            model.Backprop(options.Loss.OutputGradient(f, y, labels), optimizer);
        });
    }

    /// <summary>This step's inputs, targets and labels, and the rows of the training set they are (null: all of them).</summary>
    private static (Tensor X, Tensor Y, Tensor? Labels, long[]? Rows) Batch(TrainingData data, BatchSchedule schedule)
    {
        var batch = schedule.Next();
        if (batch is null) return (data.X, data.Y, data.Labels, null);
        var idx = tensor(batch, ScalarType.Int64, data.X.device);
        return (data.X.index_select(0, idx), data.Y.index_select(0, idx), data.Labels?.index_select(0, idx), batch);
    }

    /// <summary>Training and test loss and accuracy of <paramref name="model"/> at its current parameters.</summary>
    public CheckpointMetrics Evaluate(ITrainableModel model, TrainingData data, int step, double wallSeconds) =>
        Evaluated(model, data, step, wallSeconds, keepOutputs: false).Record;

    /// <summary>
    /// The losses and accuracies of <see cref="Evaluate"/>, and with <paramref name="keepOutputs"/> the outputs they were
    /// computed from, on the host: one forward pass per set serves both.
    /// </summary>
    private (CheckpointMetrics Record, CheckpointOutputs? Outputs) Evaluated(ITrainableModel model, TrainingData data, int step,
        double wallSeconds, bool keepOutputs)
    {
        var (trainLoss, trainAcc, train) = LossAndAccuracy(model, data.X, data.Y, data.Labels, keepOutputs);
        double? testLoss = null, testAcc = null;
        double[]? test = [];
        if (data.TestX is not null) (testLoss, testAcc, test) = LossAndAccuracy(model, data.TestX, data.TestY!, data.TestLabels, keepOutputs);
        var record = new CheckpointMetrics(step, trainLoss, trainAcc, testLoss, testAcc, wallSeconds);
        return (record, keepOutputs ? new CheckpointOutputs(train!, test!) : null);
    }

    private (double Loss, double? Accuracy, double[]? Outputs) LossAndAccuracy(ITrainableModel model, Tensor x, Tensor y, Tensor? labels,
        bool keepOutputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var outputs = Predict(model, x);
        double loss = options.Loss.Value(outputs, y, labels).ToNumber();
        double? accuracy = labels is null ? null : outputs.argmax(1).eq(labels).to(ScalarType.Float64).mean().ToNumber();
        return (loss, accuracy, keepOutputs ? HostValues(outputs) : null);
    }

    /// <summary>f(x) on a whole set as float64 values, row-major [N·O] (i·O + o); empty when there is no set.</summary>
    public double[] PredictValues(ITrainableModel model, Tensor? x)
    {
        if (x is null) return [];
        using var scope = NewDisposeScope();
        return HostValues(Predict(model, x));
    }

    private static double[] HostValues(Tensor outputs) => outputs.to(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>
    /// f(x) without autograd: what the model already knows about x (<see cref="IKnownInputsModel"/>), else forward passes in
    /// batches of <see cref="EvaluationBatchSize"/>.
    /// </summary>
    public Tensor Predict(ITrainableModel model, Tensor x)
    {
        using var noGrad = no_grad();
        if (model is IKnownInputsModel known && known.OutputsOn(x) is { } outputs) return outputs;
        long n = x.shape[0];
        if (n <= EvaluationBatchSize) return model.Forward(x);
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += EvaluationBatchSize)
            parts.Add(model.Forward(x.narrow(0, start, Math.Min(EvaluationBatchSize, n - start))));
        return cat(parts, 0);
    }
}
