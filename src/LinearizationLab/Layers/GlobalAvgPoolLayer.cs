using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Averages over all spatial positions: [C,...] → [C] (neural-tangents <c>stax.GlobalAvgPool</c>). Kernel: the mean over all
/// position pairs, so the recursion tracks the full spatial covariance when this layer is present.
/// </summary>
[LayerOrder(4)]
public sealed record GlobalAvgPoolLayer : Layer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "global_avg_pool"}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("global_avg_pool", _ => new GlobalAvgPoolLayer())];

    /// <inheritdoc/>
    public override string TypeName => "global_avg_pool";

    /// <inheritdoc/>
    public override bool IsLinearWithoutParameters => true;

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input.Length < 2)
            throw new ArgumentException($"global_avg_pool needs spatial axes but gets [{string.Join(",", input)}]");
        return [input[0]];
    }

    /// <inheritdoc/>
    public override bool NeedsFullSpatialCovariance => true;

    /// <inheritdoc/>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        input.flatten(2).mean([2]);

    /// <summary>K, Θ ← their means over all position pairs.</summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan) => state =>
    {
        int length = state.Length;
        double kSum = 0, thetaSum = 0;
        for (int e = 0; e < length; e++)
        {
            kSum += state.K[e];
            thetaSum += state.Theta[e];
        }

        state.Collapse(kSum / length, thetaSum / length);
    };
}
