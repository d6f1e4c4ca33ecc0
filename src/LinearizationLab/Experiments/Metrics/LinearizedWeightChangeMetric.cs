namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// ‖θ_lin,t − θ0‖/‖θ0‖, the linearization's weight change beside the network's <c>weight_change</c>
/// (Lee et al. 2019, Fig. 1: both vanish like 1/√n). In function space it comes from the coefficients without forming θ:
/// ‖J0ᵀc‖² = cᵀ·Θ̂0·c.
/// </summary>
[SweepMetricOrder(180)]
public sealed class LinearizedWeightChangeMetric : SweepMetric
{
    /// <summary>"linearized_weight_change".</summary>
    public const string Name = "linearized_weight_change";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 5)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.Linearized.Displacement is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, view.Linearized.Displacement!.Value / view.InitialParameterNorm);
    }
}
