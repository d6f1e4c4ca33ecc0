namespace LinearizationLab.Experiments.Metrics;

/// <summary>λ_max(Θ̂_t)/λ_max(Θ̂_0) of the output-averaged NTK on the kernel examples (below 1 after a catapult).</summary>
[SweepMetricOrder(100)]
public sealed class TopEigenvalueRatioMetric : SweepMetric
{
    /// <summary>"top_eigenvalue_ratio".</summary>
    public const string Name = "top_eigenvalue_ratio";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, view.NtkMaxEigenvalue / view.InitialNtkMaxEigenvalue);
    }
}
