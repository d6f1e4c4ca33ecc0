namespace LinearizationLab.Architecture;

/// <summary>Flattens [C,...] to [C·...] in C,H,W order.</summary>
public sealed record FlattenSpec : LayerSpec
{
    /// <inheritdoc/>
    public override string TypeName => "flatten";

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input) => [input.Aggregate(1, (a, n) => a * n)];
}
