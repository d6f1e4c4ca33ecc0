namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// max over steps s ≤ t of L_s/L_0, the network's training loss (its batch loss under SGD) relative to the initial: above 1
/// when the loss rose on its way down, the signature of the catapult phase (Lewkowycz et al. 2020).
/// </summary>
[SweepMetricOrder(90)]
public sealed class LossRiseMetric : SweepMetric
{
    /// <summary>"loss_rise".</summary>
    public const string Name = "loss_rise";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var losses = view.NetworkStepLosses;
        double now = view.Network.Metrics.TrainLoss;
        double initial = losses.Count > 0 ? losses[0] : now;
        yield return (Name, losses.Append(now).Max() / initial);
    }
}
