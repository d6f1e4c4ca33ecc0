using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// <see cref="Count"/> copies of a list of layers one after the other, each copy with its own parameters (neural-tangents'
/// <c>stax.repeat</c>, which is <c>serial</c> of the copies): arch.json <c>{"type": "repeat", "count": k, "layers": [...]}</c>.
/// A sweep's <c>depth</c> axis sets the count of the first repeat block.
/// </summary>
[LayerOrder(13)]
public sealed record RepeatBlock(int Count, IReadOnlyList<Layer> Layers) : CompositeLayer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "repeat", "count": k ≥ 1, "layers": [...]}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        [("repeat", l => new RepeatBlock(l.Int("count", min: 1), LayerRegistry.ReadList(l, "layers")))];

    /// <inheritdoc/>
    public override string TypeName => "repeat";

    /// <summary>One chain: the layers, <see cref="Count"/> times.</summary>
    public override IReadOnlyList<IReadOnlyList<Layer>> Chains => [Enumerable.Repeat(Layers, Count).SelectMany(l => l).ToArray()];

    /// <inheritdoc/>
    public override ChainCombine Combine => ChainCombine.Single;

    /// <inheritdoc/>
    protected override string ChainField(int chain) => ".layers";

    /// <summary>Layer k of the repeated chain is <c>layers[k mod |layers|]</c> of copy ⌊k/|layers|⌋: the path names the layer in the file.</summary>
    protected override string LayerField(int chain, int index) => $".layers[{index % Layers.Count}]";

    /// <summary>The leaves are mapped in the listed layers (so every copy stays the same).</summary>
    protected override CompositeLayer WithChains(IReadOnlyList<IReadOnlyList<Layer>> chains) => this with { Layers = chains[0].Take(Layers.Count).ToArray() };
}
