using LinearizationLab.Architecture;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>Fully connected layer z = m_W · a Wᵀ + m_b · b with W of shape [width, d].</summary>
public sealed class DenseLayer(DenseSpec spec, Parameterization parameterization, int[] inputShape)
    : AffineLayer(spec, parameterization, inputShape)
{
    /// <summary>Output units.</summary>
    public int Width { get; } = spec.Width;

    /// <inheritdoc/>
    public override long[] WeightShape => [Width, InputShape[0]];

    /// <inheritdoc/>
    public override long[] BiasShape => [Width];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        nn.functional.linear(input, parameters[offset].Scaled(WeightMultiplier), parameters[offset + 1].Scaled(BiasMultiplier));
}
