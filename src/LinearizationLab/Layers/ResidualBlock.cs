using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// y = s·main(x) + shortcut(x) (a residual block: neural-tangents' <c>serial(FanOut(2), parallel(main, shortcut), FanInSum())</c>
/// with the main branch scaled): arch.json <c>{"type": "residual", "layers": [...], "shortcut": [...], "scale": 1.0}</c>. The
/// shortcut defaults to the identity; a shortcut that changes the shape is written as layers (a dense or 1×1 conv projection).
/// Infinite width: K = s²·K_main + K_shortcut and Θ = s²·Θ_main + Θ_shortcut.
/// </summary>
[LayerOrder(11)]
public sealed record ResidualBlock(IReadOnlyList<Layer> Main, IReadOnlyList<Layer> Shortcut, double Scale) : CompositeLayer, ILayerKind
{
    /// <summary>arch.json: <c>layers</c> (at least one), <c>shortcut</c> (default: none, the identity), <c>scale</c> (default 1).</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        [("residual", l => new ResidualBlock(LayerRegistry.ReadList(l, "layers"),
            l.Has("shortcut") ? LayerRegistry.ReadList(l, "shortcut", allowEmpty: true) : [],
            l.Double("scale", 1.0, min: 0, minExclusive: true)))];

    /// <inheritdoc/>
    public override string TypeName => "residual";

    /// <inheritdoc/>
    public override IReadOnlyList<IReadOnlyList<Layer>> Chains => [Main, Shortcut];

    /// <inheritdoc/>
    public override ChainCombine Combine => ChainCombine.Sum;

    /// <summary>s for the main branch, 1 for the shortcut.</summary>
    public override double ChainScale(int chain) => chain == 0 ? Scale : 1;

    /// <inheritdoc/>
    protected override string ChainField(int chain) => chain == 0 ? ".layers" : ".shortcut";

    /// <inheritdoc/>
    protected override string ShapeMismatch(IReadOnlyList<int[]> shapes)
    {
        static string F(int[] s) => $"[{string.Join(",", s)}]";
        return Shortcut.Count == 0
            ? $"residual: the layers give {F(shapes[0])} but the identity shortcut keeps the input {F(shapes[1])}; a shortcut that changes the shape needs a projection, e.g. \"shortcut\": [{{\"type\": \"dense\", ...}}] or a 1×1 conv"
            : $"residual: the layers give {F(shapes[0])} but the shortcut gives {F(shapes[1])}";
    }

    /// <inheritdoc/>
    protected override CompositeLayer WithChains(IReadOnlyList<IReadOnlyList<Layer>> chains) => this with { Main = chains[0], Shortcut = chains[1] };
}
