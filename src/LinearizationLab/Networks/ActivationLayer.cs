using TorchSharp;
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
    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>a = φ(z) and φ′(z) (the same formulas as <see cref="Derivative"/>), both written in place; identity passes z through.</summary>
    public override Tensor ForwardInto(Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        if (Function == Activation.Identity) return input;
        var a = buffers.Output(input.shape, input).copy_(input);
        var d = buffers.Derivative(input.shape, input).copy_(input);
        switch (Function)
        {
            case Activation.Relu:
                a.relu_();
                d.gt_(ZeroScalar);
                break;
            case Activation.Erf:
                a.erf_();
                d.mul_(input).neg_().exp_();
                d.Scale_(2 / Math.Sqrt(Math.PI));
                break;
            case Activation.Tanh:
                a.tanh_();
                d.copy_(a).mul_(a).neg_();
                d.Shift_(1);
                break;
        }
        return a;
    }

    /// <summary>∂L/∂z = φ′(z) ⊙ δ, in place on δ.</summary>
    public override Tensor? Backprop(Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        Function == Activation.Identity ? outputGradient : outputGradient.mul_(buffers.StoredDerivative);

    /// <summary>ȧ = φ′(z) ⊙ ż with φ′(z) stored by the forward pass at the linearization point.</summary>
    public override Tensor? TangentInto(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        if (inputTangent is null || Function == Activation.Identity) return inputTangent;
        return tangentBuffers.Output(inputTangent.shape, inputTangent).copy_(inputTangent).mul_(pointBuffers.StoredDerivative);
    }

    private static readonly Scalar ZeroScalar = 0.0.ToScalar();
}
