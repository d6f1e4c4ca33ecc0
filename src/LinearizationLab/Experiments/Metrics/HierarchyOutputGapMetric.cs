namespace LinearizationLab.Experiments.Metrics;

/// <summary>RMSE(f_t, f_hierarchy,t) on the training set: the network against the truncated NTK hierarchy at τ = η·t (sweeps with <c>hierarchy</c>).</summary>
[SweepMetricOrder(140)]
public sealed class HierarchyOutputGapMetric : SweepMetric
{
    /// <summary>"output_rmse_train_hierarchy".</summary>
    public const string Name = "output_rmse_train_hierarchy";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, SweepMetricName.ComparatorFits)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.Hierarchy is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, MatrixDistance.Rmse(view.Network.Train, view.Hierarchy!.Outputs));
    }
}
