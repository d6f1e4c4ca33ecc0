using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// What a traced forward pass hands back for each affine layer l: its input a_l and its
/// pre-activation z_l = m_W·W_l ⋆ a_l + m_b·b_l (both [N, ...], part of the autograd graph).
/// The structured NTK backpropagates to the z_l and pairs them with the a_l.
/// </summary>
public sealed class ForwardTrace
{
    private readonly List<AffineLayerTrace> _layers = [];

    /// <summary>One entry per affine layer, in order.</summary>
    public IReadOnlyList<AffineLayerTrace> AffineLayers => _layers;

    internal void Record(int layerIndex, Tensor input, Tensor preActivation) =>
        _layers.Add(new AffineLayerTrace(layerIndex, input, preActivation));
}
