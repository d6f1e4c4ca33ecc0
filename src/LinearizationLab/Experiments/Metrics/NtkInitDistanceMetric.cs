namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// ‖Θ̂_0 − Θ‖_F/‖Θ‖_F on the kernel examples, the empirical NTK at θ0 against the analytic one (a run-level value, repeated at every checkpoint for the tables).</summary>
[SweepMetricOrder(60)]
public sealed class NtkInitDistanceMetric : SweepMetric
{
    /// <summary>"ntk_init_distance".</summary>
    public const string Name = "ntk_init_distance";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 6)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.AnalyticNtk is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, MatrixDistance.RelativeFrobenius(view.InitialNtk.Averaged, view.AnalyticNtk!));
    }
}
