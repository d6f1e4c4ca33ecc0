namespace LinearizationLab.Experiments.Metrics;

/// <summary>‖Θ_t − Θ_0‖_F/‖Θ_0‖_F of the truncated hierarchy's kernel on the training set, output-averaged (sweeps with <c>hierarchy</c>).</summary>
[SweepMetricOrder(150)]
public sealed class HierarchyKernelDriftMetric : SweepMetric
{
    /// <summary>"kernel_drift_hierarchy".</summary>
    public const string Name = "kernel_drift_hierarchy";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, SweepMetricName.ComparatorFits)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.Hierarchy is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, MatrixDistance.RelativeFrobenius(view.Hierarchy!.Kernel, view.Hierarchy.InitialKernel));
    }
}
