using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// An <see cref="IGradientSink"/> that adds every gradient a reverse pass hands it into tensors of the parameters' shapes:
/// after one pass with output cotangent δ, <see cref="Gradients"/> holds J(x)ᵀδ (plus what it held before). It turns a
/// hand-written reverse pass into a vector-Jacobian product, e.g. Δθ = J0(X)ᵀc of a linearization trained in function space.
/// </summary>
public sealed class GradientAccumulator : IGradientSink, IDisposable
{
    private readonly bool _owns;

    /// <summary>Accumulates into zeroed tensors shaped like <paramref name="parameters"/>, owned (and disposed) by this sink.</summary>
    public GradientAccumulator(IReadOnlyList<Tensor> parameters)
    {
        using var noGrad = no_grad();
        Gradients = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _owns = true;
    }

    /// <summary>Accumulates into <paramref name="targets"/>, which stay the caller's.</summary>
    public GradientAccumulator(IReadOnlyList<Tensor> targets, bool zero)
    {
        Gradients = targets.ToArray();
        if (zero)
            using (no_grad())
                foreach (var t in Gradients) t.zero_();
    }

    /// <summary>The accumulated gradients, one per parameter tensor.</summary>
    public Tensor[] Gradients { get; }

    /// <inheritdoc/>
    public void AddProduct(int index, Tensor delta, Tensor input, double c)
    {
        using var noGrad = no_grad();
        Gradients[index].AsProductMatrix(delta, input).addmm_(delta.Scale_(c).t(), input, 1, 1);
    }

    /// <inheritdoc/>
    public void Add(int index, Tensor gradient, double c)
    {
        using var noGrad = no_grad();
        Gradients[index].AddScaled_(gradient, c);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_owns)
            foreach (var g in Gradients) g.Dispose();
    }
}
