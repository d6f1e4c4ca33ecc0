namespace LinearizationLab.Experiments.Metrics;

/// <summary>‖Θ̂_t − Θ̂_0‖_F/‖Θ̂_0‖_F on the kernel examples (output-averaged).</summary>
[SweepMetricOrder(40)]
public sealed class KernelDriftMetric : SweepMetric
{
    /// <summary>"kernel_drift".</summary>
    public const string Name = "kernel_drift";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 1)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, MatrixDistance.RelativeFrobenius(view.Ntk.Averaged, view.InitialNtk.Averaged));
    }
}
