using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Flattens [C,...] to [C·...] in C,H,W order (neural-tangents <c>stax.Flatten</c>). Kernel: the mean of the spatial diagonal
/// (docs/KERNEL-CONVENTIONS.md: flatten reads out the diagonal; off-diagonal position pairs do not survive a readout by independent weights).
/// </summary>
[LayerOrder(3)]
public sealed record FlattenLayer : Layer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "flatten"}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("flatten", _ => new FlattenLayer())];

    /// <inheritdoc/>
    public override string TypeName => "flatten";

    /// <inheritdoc/>
    public override bool IsLinearWithoutParameters => true;

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input) => [Product(input)];

    /// <inheritdoc/>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset) => input.flatten(1);

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>The input viewed flat, kept in <paramref name="buffers"/> beyond the step (a stored pass reads it later).</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) =>
        buffers.View(input.flatten(1));

    /// <summary>∂L/∂a is δ reshaped back to the input's shape.</summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) => outputGradient.view(input.shape);

    /// <inheritdoc/>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers) =>
        inputTangent?.flatten(1);

    /// <inheritdoc/>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint) => input.flatten(1);

    /// <summary>∂L/∂a is the gradient reshaped back to the input's shape.</summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        outputGradient.view(input.shape);

    /// <summary>K, Θ ← the means of their spatial diagonals; a flat kernel passes through.</summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan) => state =>
    {
        if (!state.Spatial) return;
        int positions = state.Positions;
        double kSum = 0, thetaSum = 0;
        for (int i = 0; i < positions; i++)
        {
            int e = state.Full ? i * positions + i : i;
            kSum += state.K[e];
            thetaSum += state.Theta[e];
        }

        state.Collapse(kSum / positions, thetaSum / positions);
    };
}
