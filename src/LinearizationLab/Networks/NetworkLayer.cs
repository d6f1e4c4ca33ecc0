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
}
