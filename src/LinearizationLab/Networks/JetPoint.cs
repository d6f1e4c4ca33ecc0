using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// The expansion point of a Taylor model on one batch (<see cref="Network.ExpansionPoint"/>): f(x; θ0), each layer's input
/// a_0 at θ0 and the derivatives its jet of order <see cref="Order"/> needs there (φ′, φ″, φ‴ for activations). None of
/// them depends on Δθ, so a model trained on a full batch computes them once.
/// </summary>
public sealed class JetPoint : IDisposable
{
    internal JetPoint(int order, Tensor[] inputs, Tensor[][] derivatives, Tensor output)
    {
        Order = order;
        Inputs = inputs;
        Derivatives = derivatives;
        Output = output;
    }

    /// <summary>The highest Taylor order the point serves.</summary>
    public int Order { get; }

    /// <summary>Layer i's input at θ0.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>Layer i's <see cref="Layers.Layer.JetDerivatives"/> at its input.</summary>
    public IReadOnlyList<Tensor[]> Derivatives { get; }

    /// <summary>f(x; θ0), [N, O].</summary>
    public Tensor Output { get; }

    /// <summary>The same point with every tensor detached from autograd and from dispose scopes, owned by the caller.</summary>
    public JetPoint Detached()
    {
        static Tensor Keep(Tensor t) => t.detach().DetachFromDisposeScope();
        return new JetPoint(Order, Inputs.Select(Keep).ToArray(), Derivatives.Select(d => d.Select(Keep).ToArray()).ToArray(), Keep(Output));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in Inputs.Concat(Derivatives.SelectMany(d => d)).Append(Output)) t.Dispose();
    }
}
