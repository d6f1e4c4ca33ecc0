using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// What a traced jet (<see cref="Network.Jet"/>) hands back for each affine layer: its input's Taylor coefficients
/// [a_1, …, a_k] and its pre-activation's [z_1, …, z_k] (null where 0), part of the autograd graph. The kernel of a
/// Taylor model pairs ∂f_k/∂z_j with a_(j−1), as the structured NTK pairs ∂f/∂z with a.
/// </summary>
public sealed class JetTrace
{
    private readonly List<AffineLayerJet> _layers = [];

    /// <summary>One entry per affine layer, in order.</summary>
    public IReadOnlyList<AffineLayerJet> AffineLayers => _layers;

    internal void Record(int layerIndex, Tensor?[] inputCoefficients, Tensor?[] outputCoefficients) =>
        _layers.Add(new AffineLayerJet(layerIndex, inputCoefficients, outputCoefficients));
}

/// <summary>The Taylor coefficients (orders 1…k) of affine layer <paramref name="LayerIndex"/>'s input and pre-activation.</summary>
public sealed record AffineLayerJet(int LayerIndex, IReadOnlyList<Tensor?> InputCoefficients, IReadOnlyList<Tensor?> OutputCoefficients);
