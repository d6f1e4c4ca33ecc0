using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>[N, C, ...] → [N, C]: the mean over all spatial positions.</summary>
public sealed class GlobalAvgPoolLayer : NetworkLayer
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        input.flatten(2).mean([2]);
}
