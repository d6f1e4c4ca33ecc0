namespace LinearizationLab.Architecture;

/// <summary>Averages over all spatial positions: [C,...] → [C].</summary>
public sealed record GlobalAvgPoolSpec : LayerSpec
{
    /// <inheritdoc/>
    public override string TypeName => "global_avg_pool";

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input.Length < 2)
            throw new ArgumentException($"global_avg_pool needs spatial axes but gets [{string.Join(",", input)}]");
        return [input[0]];
    }
}
