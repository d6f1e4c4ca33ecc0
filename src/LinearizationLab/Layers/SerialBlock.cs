using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// A sub-list of layers run one after the other, usable wherever a layer is (neural-tangents' <c>stax.serial</c>):
/// arch.json <c>{"type": "serial", "layers": [...]}</c>.
/// </summary>
[LayerOrder(10)]
public sealed record SerialBlock(IReadOnlyList<Layer> Layers) : CompositeLayer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "serial", "layers": [...]}</c> with at least one layer.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        [("serial", l => new SerialBlock(LayerRegistry.ReadList(l, "layers")))];

    /// <inheritdoc/>
    public override string TypeName => "serial";

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<Layer>> Chains => [Layers];

    /// <inheritdoc/>
    public override ChainCombine Combine => ChainCombine.Single;

    /// <inheritdoc/>
    protected override string ChainField(int chain) => ".layers";

    /// <inheritdoc/>
    protected override CompositeLayer WithChains(IReadOnlyList<IReadOnlyList<Layer>> chains) => new SerialBlock(chains[0]);
}
