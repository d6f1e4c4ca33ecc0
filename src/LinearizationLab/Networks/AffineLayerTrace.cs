using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>Input a and pre-activation z of affine layer <paramref name="LayerIndex"/> in one forward pass.</summary>
public sealed record AffineLayerTrace(int LayerIndex, Tensor Input, Tensor PreActivation);
