using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// How far the network's features move, on the kernel examples: per hidden layer l, the representation h_l that enters the
/// next parameter unit, "feature_movement_layer{l}" = ‖h_l,t − h_l,0‖_F/‖h_l,0‖_F (fitted against width: it vanishes like a
/// power of n in the kernel regime and stays Θ(1) under μP, Yang &amp; Hu 2021); and per parameter unit l (the readout
/// included) the coordinate size of its pre-activations, "preactivation_rms_layer{l}" = RMS(z_l,t), and of their change,
/// "preactivation_change_rms_layer{l}" = RMS(z_l,t − z_l,0) (mup's coordinate check).
/// </summary>
[SweepMetricOrder(170)]
public sealed class FeatureMovementMetric : SweepMetric
{
    /// <summary>The feature movement of hidden layer <paramref name="layer"/> (1-based).</summary>
    public static string MovementOf(int layer) => $"feature_movement_layer{layer}";

    /// <summary>The RMS of unit <paramref name="layer"/>'s pre-activations (1-based).</summary>
    public static string RmsOf(int layer) => $"preactivation_rms_layer{layer}";

    /// <summary>The RMS of the change of unit <paramref name="layer"/>'s pre-activations since θ0 (1-based).</summary>
    public static string ChangeRmsOf(int layer) => $"preactivation_change_rms_layer{layer}";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } =
    [
        new("feature_movement_layer{l}", SweepMetricName.LayerFits),
        new("preactivation_rms_layer{l}"),
        new("preactivation_change_rms_layer{l}"),
    ];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var values = new List<(string, double?)>();
        using (NewDisposeScope())
        {
            var now = view.UnitTrace().Units;
            var initial = view.InitialUnitTrace.Units;
            for (int l = 1; l < now.Count; l++)
                values.Add((MovementOf(l), RelativeChange(now[l].Input, initial[l].Input)));
            for (int l = 0; l < now.Count; l++)
                values.Add((RmsOf(l + 1), CoordinateSize.RmsOf(now[l].Output)));
            for (int l = 0; l < now.Count; l++)
                values.Add((ChangeRmsOf(l + 1), CoordinateSize.RmsOf(now[l].Output - initial[l].Output)));
        }
        return values;
    }

    private static double RelativeChange(Tensor now, Tensor initial) =>
        (now - initial).norm().ToNumber() / initial.norm().ToNumber();
}
