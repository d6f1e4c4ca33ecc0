namespace LinearizationLab.Experiments.Metrics;

/// <summary>Loss and accuracy of the network f(x; θ_t) on both splits: "network_{split}_{quantity}", nulls written as null.</summary>
[SweepMetricOrder(10)]
public sealed class NetworkLossAndAccuracyMetric() : LossAndAccuracyMetric(ModelName)
{
    /// <summary>"network".</summary>
    public const string ModelName = "network";

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view) => ValuesOf(ModelName, view.Network.Metrics);
}
