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
}
