namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// ‖K̂_0 − K‖_F/‖K‖_F on the kernel examples, the empirical NNGP at θ0 against the analytic one (repeated at every checkpoint).</summary>
[SweepMetricOrder(70)]
public sealed class NngpInitDistanceMetric : SweepMetric
{
    /// <summary>"nngp_init_distance".</summary>
    public const string Name = "nngp_init_distance";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 7)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.AnalyticNngp is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, MatrixDistance.RelativeFrobenius(view.InitialNngp, view.AnalyticNngp!));
    }
}
