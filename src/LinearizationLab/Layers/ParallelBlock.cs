using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// Branches run on the same input and summed or concatenated along the feature/channel axis (neural-tangents'
/// <c>serial(FanOut(k), parallel(...), FanInSum() | FanInConcat())</c>): arch.json
/// <c>{"type": "parallel", "branches": [[...], [...]], "combine": "sum" | "concat"}</c>. Infinite width: a sum adds the branches'
/// kernels; a concatenation of C_c channels per branch averages them with weights C_c/ΣC (the next layer's fan-in mixes them so).
/// </summary>
[LayerOrder(12)]
public sealed record ParallelBlock(IReadOnlyList<IReadOnlyList<Layer>> Branches, ChainCombine Mode) : CompositeLayer, ILayerKind
{
    /// <summary>arch.json: <c>branches</c> (at least one, each at least one layer), <c>combine</c> (default "sum").</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        [("parallel", l => new ParallelBlock(LayerRegistry.ReadLists(l, "branches"),
            l.String("combine", "sum", "sum", "concat") == "sum" ? ChainCombine.Sum : ChainCombine.Concat))];

    /// <inheritdoc/>
    public override string TypeName => "parallel";

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<Layer>> Chains => Branches;

    /// <inheritdoc/>
    public override ChainCombine Combine => Mode;

    /// <inheritdoc/>
    protected override string ChainField(int chain) => $".branches[{chain}]";

    /// <inheritdoc/>
    protected override CompositeLayer WithChains(IReadOnlyList<IReadOnlyList<Layer>> chains) => this with { Branches = chains };
}
