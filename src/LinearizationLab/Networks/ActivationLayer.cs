using LinearizationLab.Architecture;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>Elementwise nonlinearity φ: relu, erf, tanh or identity.</summary>
public sealed class ActivationLayer(Activation function) : NetworkLayer
{
    /// <summary>Which φ.</summary>
    public Activation Function { get; } = function;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) => Function switch
    {
        Activation.Relu => nn.functional.relu(input),
        Activation.Erf => special.erf(input),
        Activation.Tanh => input.tanh(),
        _ => input.alias(),
    };

    /// <summary>φ′(z): 1[z &gt; 0] for relu, (2/√π)·e^(−z²) for erf, 1 − tanh²(z) for tanh, 1 for identity.</summary>
    public Tensor Derivative(Tensor z) => Function switch
    {
        Activation.Relu => z.Above(0),
        Activation.Erf => (-z.square()).exp().Scaled(2 / Math.Sqrt(Math.PI)),
        Activation.Tanh => z.tanh().square().neg().Shifted(1),
        _ => ones_like(z),
    };

    /// <summary>ȧ′ = φ′(z)·ż.</summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset) =>
        (Forward(input, parameters, offset), inputTangent is null ? null : Derivative(input) * inputTangent);
}
