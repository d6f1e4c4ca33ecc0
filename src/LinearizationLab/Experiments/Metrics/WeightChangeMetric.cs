namespace LinearizationLab.Experiments.Metrics;

/// <summary>‖θ_t − θ_0‖/‖θ_0‖ of the network.</summary>
[SweepMetricOrder(30)]
public sealed class WeightChangeMetric : SweepMetric
{
    /// <summary>"weight_change".</summary>
    public const string Name = "weight_change";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 5)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, ParameterNorms.Distance(view.Parameters, view.InitialParameters) / view.InitialParameterNorm);
    }
}
