using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// One layer's part of the expansion point of a Taylor jet: its input a_0 at θ0, what its jet needs there
/// (<see cref="Layer.JetDerivatives"/>: φ′, φ″, φ‴ for activations) and its output; a block keeps one point per layer inside it
/// (<see cref="Children"/>, in the order of its chains). None of it depends on Δθ.
/// </summary>
public sealed record LayerPoint(Tensor Input, Tensor[] Derivatives, Tensor Output, IReadOnlyList<LayerPoint> Children)
{
    /// <summary>Every tensor of this point and its children (inputs, derivatives, outputs; shared tensors may repeat).</summary>
    public IEnumerable<Tensor> Tensors => Derivatives.Prepend(Input).Append(Output).Concat(Children.SelectMany(c => c.Tensors));

    /// <summary>The same point with every tensor mapped by <paramref name="map"/> (e.g. detached).</summary>
    public LayerPoint Select(Func<Tensor, Tensor> map) =>
        new(map(Input), Derivatives.Select(map).ToArray(), map(Output), Children.Select(c => c.Select(map)).ToArray());
}
