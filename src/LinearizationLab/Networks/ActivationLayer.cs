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
}
