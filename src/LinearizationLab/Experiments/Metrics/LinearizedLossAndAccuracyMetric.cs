namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// Loss and accuracy of the linearization f_lin_t = f_0 + J_0·(θ_t − θ_0) on both splits: "linearized_{split}_{quantity}",
/// nulls written as null, NaN past its divergence.
/// </summary>
[SweepMetricOrder(20)]
public sealed class LinearizedLossAndAccuracyMetric() : LossAndAccuracyMetric(ModelName)
{
    /// <summary>"linearized".</summary>
    public const string ModelName = "linearized";

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view) => ValuesOf(ModelName, view.Linearized.Metrics);
}
