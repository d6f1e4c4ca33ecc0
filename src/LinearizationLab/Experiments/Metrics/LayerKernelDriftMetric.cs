namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// ‖Θ̂_t^(l) − Θ̂_0^(l)‖_F/‖Θ̂_0^(l)‖_F, the drift of the contribution of each affine layer l = 1, 2, … to the NTK on the kernel
/// examples (output-averaged): "kernel_drift_layer{l}".
/// </summary>
[SweepMetricOrder(50)]
public sealed class LayerKernelDriftMetric : SweepMetric
{
    /// <summary>The name of the drift of affine layer <paramref name="layer"/> (1-based).</summary>
    public static string NameOf(int layer) => $"kernel_drift_layer{layer}";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new("kernel_drift_layer{l}", SweepMetricName.LayerFits)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var (now, initial) = (view.Ntk.PerLayer, view.InitialNtk.PerLayer);
        for (int l = 0; l < initial.Count; l++) yield return (NameOf(l + 1), MatrixDistance.RelativeFrobenius(now[l], initial[l]));
    }
}
