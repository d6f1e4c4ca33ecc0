using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// The expansion point of a Taylor model on one batch (<see cref="Network.ExpansionPoint"/>): f(x; θ0) and each layer's
/// <see cref="LayerPoint"/> — its input a_0 at θ0 and the derivatives its jet of order <see cref="Order"/> needs there (φ′, φ″, φ‴
/// for activations; a block keeps its layers' points). None of them depends on Δθ, so a model trained on a full batch
/// computes them once.
/// </summary>
public sealed class JetPoint : IDisposable
{
    internal JetPoint(int order, LayerPoint[] layers, Tensor output)
    {
        Order = order;
        Layers = layers;
        Output = output;
    }

    /// <summary>The highest Taylor order the point serves.</summary>
    public int Order { get; }

    /// <summary>Layer i's point.</summary>
    public IReadOnlyList<LayerPoint> Layers { get; }

    /// <summary>f(x; θ0), [N, O].</summary>
    public Tensor Output { get; }

    /// <summary>The same point with every tensor detached from autograd and from dispose scopes, owned by the caller.</summary>
    public JetPoint Detached()
    {
        static Tensor Keep(Tensor t) => t.detach().DetachFromDisposeScope();
        return new JetPoint(Order, Layers.Select(l => l.Select(Keep)).ToArray(), Keep(Output));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in Layers.SelectMany(l => l.Tensors).Append(Output).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()) t.Dispose();
    }
}
