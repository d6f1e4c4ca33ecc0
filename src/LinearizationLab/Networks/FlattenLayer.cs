using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>[N, C, ...] → [N, C·...] in C,H,W order.</summary>
public sealed class FlattenLayer : NetworkLayer
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) => input.flatten(1);
    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <inheritdoc/>
    public override Tensor ForwardInto(Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) => input.flatten(1);

    /// <summary>∂L/∂a is δ reshaped back to the input's shape.</summary>
    public override Tensor? Backprop(Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) => outputGradient.view(input.shape);

    /// <inheritdoc/>
    public override Tensor? TangentInto(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers) =>
        inputTangent?.flatten(1);
}
