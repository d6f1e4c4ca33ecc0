using LinearizationLab.Training;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// η·t·<see cref="KernelVelocityMetric"/>: the first-order prediction of <see cref="KernelDriftMetric"/> after t steps of
/// full-batch gradient descent without momentum at rate η on the MSE loss (the only case where t steps are a time η·t).
/// </summary>
[SweepMetricOrder(130)]
public sealed class KernelDriftPredictedMetric : SweepMetric
{
    /// <summary>"kernel_drift_predicted".</summary>
    public const string Name = "kernel_drift_predicted";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) =>
        view.Loss is MeanSquaredError && view.Optimizer.IsPlainGradientDescent;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, view.Optimizer.LearningRate * view.Step * KernelVelocityMetric.Of(view));
    }
}
