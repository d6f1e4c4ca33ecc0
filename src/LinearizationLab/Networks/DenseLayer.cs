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

    /// <summary>z = m_W · (a·Wᵀ) + m_b · b: the multiplier scales the output, so no weight-sized temporary is made.</summary>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        nn.functional.linear(input, parameters[offset]).Scaled(WeightMultiplier).add(parameters[offset + 1].Scaled(BiasMultiplier));
    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>z = m_W · a·Wᵀ + m_b · b, the product written straight into the output buffer.</summary>
    public override Tensor ForwardInto(Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        var z = buffers.Output([input.shape[0], Width], input);
        z.addmm_(input, parameters[offset].t(), 0, 1);
        z.Scale_(WeightMultiplier);
        z.AddScaled_(parameters[offset + 1], BiasMultiplier);
        return z;
    }

    /// <summary>∂L/∂W = m_W · δᵀ·a, ∂L/∂b = m_b · Σ_n δ_n, ∂L/∂a = m_W · δ·W (computed first: the sink may update W in place).</summary>
    public override Tensor? Backprop(Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        Tensor? inputGradient = null;
        if (needInputGradient)
        {
            inputGradient = buffers.InputGradient(input.shape, input);
            inputGradient.addmm_(outputGradient, parameters[offset], 0, 1);
            inputGradient.Scale_(WeightMultiplier);
        }
        using (var scope = NewDisposeScope())
            sink.Add(offset + 1, outputGradient.sum(0, false), BiasMultiplier);
        sink.AddProduct(offset, outputGradient, input, WeightMultiplier);
        return inputGradient;
    }

    /// <summary>ż = m_W · (a·Ẇᵀ + ȧ·Wᵀ) + m_b · ḃ.</summary>
    public override Tensor? TangentInto(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        var tangent = tangentBuffers.Output([input.shape[0], Width], input);
        tangent.addmm_(input, parameterTangents[offset].t(), 0, 1);
        if (inputTangent is not null) tangent.addmm_(inputTangent, parameters[offset].t(), 1, 1);
        tangent.Scale_(WeightMultiplier);
        tangent.AddScaled_(parameterTangents[offset + 1], BiasMultiplier);
        return tangent;
    }
}
