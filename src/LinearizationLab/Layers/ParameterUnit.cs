namespace LinearizationLab.Layers;

/// <summary>
/// A leaf layer that owns parameters, where it sits in a network: the layer, its context (parameterization and input shape)
/// and the index of its first tensor in the network's parameter list θ. Its tensors are θ[Offset … Offset + count); what they
/// mean is the layer's own business (W and b for dense/conv, a gain and a bias for a normalization's affine part).
/// Blocks own no parameters themselves: their units are the leaves inside them, in the order their tensors are drawn.
/// </summary>
public sealed record ParameterUnit(Layer Layer, LayerContext Context, int Offset)
{
    /// <summary>How many parameter tensors the unit owns.</summary>
    public int TensorCount => Layer.ParameterTensorCount;
}
