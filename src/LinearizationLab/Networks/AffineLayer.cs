using LinearizationLab.Architecture;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// A dense or conv layer z = m_W · (W ⋆ a) + m_b · b, where the multipliers m_W, m_b and the
/// initial standard deviations come from the parameterization (see <see cref="AffineLayerSpec"/>).
/// </summary>
public abstract class AffineLayer : NetworkLayer
{
    /// <summary>Builds the layer for an input of shape <paramref name="inputShape"/> (no batch axis).</summary>
    protected AffineLayer(AffineLayerSpec spec, Parameterization parameterization, int[] inputShape)
    {
        InputShape = inputShape;
        FanIn = spec.FanIn(inputShape);
        WeightMultiplier = spec.WeightMultiplier(parameterization, inputShape);
        BiasMultiplier = spec.BiasMultiplier(parameterization);
        WeightInitStd = spec.WeightInitStd(parameterization, inputShape);
        BiasInitStd = spec.BiasInitStd(parameterization);
    }

    /// <inheritdoc/>
    public override int ParameterTensorCount => 2;

    /// <summary>Input shape without the batch axis.</summary>
    public int[] InputShape { get; }

    /// <summary>Weights feeding one output unit.</summary>
    public int FanIn { get; }

    /// <summary>m_W: w_std/√fan_in under NTK parameterization, 1 under standard.</summary>
    public double WeightMultiplier { get; }

    /// <summary>m_b: b_std under NTK parameterization, 1 under standard.</summary>
    public double BiasMultiplier { get; }

    /// <summary>Standard deviation of W at initialization.</summary>
    public double WeightInitStd { get; }

    /// <summary>Standard deviation of b at initialization.</summary>
    public double BiasInitStd { get; }

    /// <summary>Shape of W.</summary>
    public abstract long[] WeightShape { get; }

    /// <summary>Shape of b (one entry per output unit or channel).</summary>
    public abstract long[] BiasShape { get; }

    /// <summary>
    /// z = m_W·W⋆a + m_b·b is bilinear in (W, a) and linear in b, so ż = m_W·(Ẇ⋆a + W⋆ȧ) + m_b·ḃ: the forward pass
    /// applied to (a; Ẇ, ḃ) plus the bias-free forward pass applied to (ȧ; W).
    /// </summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset)
    {
        var output = Forward(input, parameters, offset);
        var tangent = Forward(input, parameterTangents, offset);
        if (inputTangent is not null)
            tangent = tangent + Forward(inputTangent, [parameters[offset], zeros_like(parameters[offset + 1])], 0);
        return (output, tangent);
    }
}
