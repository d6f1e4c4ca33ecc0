namespace LinearizationLab.Architecture;

/// <summary>Fully connected layer on a flat input [d] → [width].</summary>
public sealed record DenseSpec(int Width, double WStd, double BStd) : AffineLayerSpec(WStd, BStd)
{
    /// <inheritdoc/>
    public override string TypeName => "dense";

    /// <inheritdoc/>
    public override int FanIn(int[] input) => input[0];

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input.Length != 1)
            throw new ArgumentException($"dense needs a flat input but gets shape [{string.Join(",", input)}]; add flatten or global_avg_pool first");
        return [Width];
    }
}
