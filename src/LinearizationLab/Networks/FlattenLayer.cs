using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>[N, C, ...] → [N, C·...] in C,H,W order.</summary>
public sealed class FlattenLayer : NetworkLayer
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) => input.flatten(1);
}
