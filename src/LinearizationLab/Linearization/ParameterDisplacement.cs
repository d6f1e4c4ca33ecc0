using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The parameters of a model trained as a displacement from an expansion point, θ = θ0 + Δθ (the linearization and the
/// Taylor models): θ0, detached copies that are never trained, and Δθ, leaf tensors with requires_grad that start at 0.
/// </summary>
internal sealed class ParameterDisplacement : IDisposable
{
    /// <summary>θ0 = <paramref name="theta0"/> (default: <paramref name="network"/>'s current parameters), Δθ = 0.</summary>
    public ParameterDisplacement(Network network, IReadOnlyList<Tensor>? theta0)
    {
        var source = theta0 ?? network.Parameters;
        if (source.Count != network.Parameters.Count)
            throw new ArgumentException($"expected {network.Parameters.Count} parameter tensors, got {source.Count}");
        Origin = source.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        Delta = source.Select(p => zeros_like(p).requires_grad_(true).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>θ0.</summary>
    public Tensor[] Origin { get; }

    /// <summary>Δθ, trained.</summary>
    public Tensor[] Delta { get; }

    /// <summary>Δθ = −θ0, where θ = 0 (the center of weight decay toward 0); made on first use.</summary>
    public Tensor[] AtZero
    {
        get
        {
            using var noGrad = no_grad();
            return _atZero ??= Origin.Select(t => t.neg().DetachFromDisposeScope()).ToArray();
        }
    }

    private Tensor[]? _atZero;

    /// <summary>θ = θ0 + Δθ, detached copies.</summary>
    public Tensor[] Current()
    {
        using var noGrad = no_grad();
        return Origin.Select((t, i) => t.Plus(Delta[i])).ToArray();
    }

    /// <summary>‖Δθ‖ over all tensors, in float64.</summary>
    public double Norm() => ParameterNorms.Norm(Delta);

    /// <summary>Δθ ← 0.</summary>
    public void Reset()
    {
        using var noGrad = no_grad();
        foreach (var d in Delta) d.zero_();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in Origin.Concat(Delta).Concat(_atZero ?? [])) t.Dispose();
    }
}
