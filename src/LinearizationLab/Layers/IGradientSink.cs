using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Receives parameter gradients from a hand-written reverse pass (<see cref="Layer.Backprop"/>) as they are
/// produced, so an optimizer can apply each one at once and in place (a fused update) without ever storing ∂L/∂θ.
/// The tensors passed in are valid only during the call.
/// </summary>
public interface IGradientSink
{
    /// <summary>
    /// The gradient of parameter <paramref name="index"/> is the outer product g = c · δᵀ·a of δ [N, out] and a [N, in]
    /// (a weight matrix's gradient, summed over the batch; a conv's weight [C_out, C_in, k…] is that matrix [C_out, C_in·|filter|] for
    /// δ and a over the rows of patches). The sink may overwrite <paramref name="delta"/>.
    /// </summary>
    void AddProduct(int index, Tensor delta, Tensor input, double c);

    /// <summary>The gradient of parameter <paramref name="index"/> is g = c · <paramref name="gradient"/> (same shape as the parameter).</summary>
    void Add(int index, Tensor gradient, double c);
}
