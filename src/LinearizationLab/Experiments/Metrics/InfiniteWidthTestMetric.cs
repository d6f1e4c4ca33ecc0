namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// The test loss and accuracy of the infinite-width predictors (<see cref="InfiniteWidthTest"/>): "nngp_test_{quantity}" for the
/// NNGP posterior mean and "ntkgp_infinity_test_{quantity}" for the NTK-GP mean at t = ∞. The same at every checkpoint and run of
/// a grid point (computed once per point), recorded with each run so that a grid's and a shard's files carry them; MSE sweeps
/// with a test set and analytic kernels only, accuracies with labels only.
/// </summary>
[SweepMetricOrder(190)]
public sealed class InfiniteWidthTestMetric : SweepMetric
{
    /// <summary>"nngp", the NNGP posterior mean.</summary>
    public const string NngpModel = "nngp";

    /// <summary>"ntkgp_infinity", the NTK-GP mean at t = ∞.</summary>
    public const string NtkGpInfinityModel = "ntkgp_infinity";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } =
        [new($"{NngpModel}_test_{{quantity}}"), new($"{NtkGpInfinityModel}_test_{{quantity}}")];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.Context.InfiniteWidthTest is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var scores = view.Context.InfiniteWidthTest!;
        foreach (var (model, score) in new[] { (NngpModel, scores.Nngp), (NtkGpInfinityModel, scores.NtkGpInfinity) })
        {
            yield return (LossAndAccuracyMetric.NameOf(model, "loss", "test"), score.Loss);
            if (score.Accuracy is { } accuracy) yield return (LossAndAccuracyMetric.NameOf(model, "accuracy", "test"), accuracy);
        }
    }
}
