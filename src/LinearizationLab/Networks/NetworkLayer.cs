using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// One layer of a <see cref="Network"/>, applied functionally: its parameters are passed in, so the
/// same layer evaluates f(x; θ) at any θ (the linearization and the empirical NTK need that).
/// </summary>
public abstract class NetworkLayer
{
    /// <summary>How many parameter tensors the layer owns (2 for dense/conv: W then b; 0 otherwise).</summary>
    public virtual int ParameterTensorCount => 0;

    /// <summary>Applies the layer to a batch <paramref name="input"/> [N, ...] with its parameters taken from <paramref name="parameters"/> starting at <paramref name="offset"/>.</summary>
    public abstract Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset);

    /// <summary>
    /// Forward-mode derivative: the output y = g(a; p) and its tangent ẏ = ∂g/∂a·ȧ + ∂g/∂p·ṗ for an input tangent
    /// <paramref name="inputTangent"/> (null means 0) and parameter tangents ṗ taken from <paramref name="parameterTangents"/>
    /// at <paramref name="offset"/>. This default is for layers linear in their input and without parameters (flatten, pooling).
    /// </summary>
    public virtual (Tensor Output, Tensor? Tangent) Jvp(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset) =>
        (Forward(input, parameters, offset), inputTangent is null ? null : Forward(inputTangent, parameters, offset));
    /// <summary>
    /// Whether the layer has the hand-written passes of fused training (<see cref="ForwardInto"/>, <see cref="Backprop"/>,
    /// <see cref="TangentInto"/>); networks with any other layer train through autograd.
    /// </summary>
    public virtual bool SupportsBackprop => false;

    /// <summary>
    /// The forward pass written into <paramref name="buffers"/> (keeping what <see cref="Backprop"/> needs, e.g. φ′);
    /// returns the output, which stays valid until the next call with the same buffers.
    /// </summary>
    public virtual Tensor ForwardInto(Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) =>
        throw new NotSupportedException($"{GetType().Name} has no hand-written forward pass");

    /// <summary>
    /// Reverse mode by hand: for δ = ∂L/∂y at this layer's output y (from <see cref="ForwardInto"/> on <paramref name="input"/>
    /// with the same <paramref name="buffers"/>), hands each parameter's gradient to <paramref name="sink"/> and returns
    /// ∂L/∂a for the input a (null when <paramref name="needInputGradient"/> is false). δ may be overwritten.
    /// </summary>
    public virtual Tensor? Backprop(Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        throw new NotSupportedException($"{GetType().Name} has no hand-written reverse pass");

    /// <summary>
    /// The tangent ẏ = ∂g/∂a·ȧ + ∂g/∂p·ṗ at the point whose forward pass is stored in <paramref name="pointBuffers"/>
    /// (input <paramref name="input"/>, parameters <paramref name="parameters"/>), written into <paramref name="tangentBuffers"/>;
    /// null when both tangents are zero. The same map as <see cref="Jvp"/>, without recomputing the forward pass.
    /// </summary>
    public virtual Tensor? TangentInto(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers) =>
        throw new NotSupportedException($"{GetType().Name} has no hand-written tangent pass");
}
