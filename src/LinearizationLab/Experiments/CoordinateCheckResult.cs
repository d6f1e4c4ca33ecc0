namespace LinearizationLab.Experiments;

/// <summary>What a <see cref="CoordinateCheck"/> measured: the coordinate sizes and their slopes against width.</summary>
/// <param name="Widths">The widths, ascending.</param>
/// <param name="Steps">The last step k (sizes at 0…k).</param>
/// <param name="Layers">Each parameter unit's name, e.g. "dense 1", "readout".</param>
/// <param name="Sizes">Every (width, layer, quantity, step) size.</param>
/// <param name="Slopes">Every (layer, quantity, step) slope; changes from step 1 on.</param>
public sealed record CoordinateCheckResult(int[] Widths, int Steps, IReadOnlyList<string> Layers,
    IReadOnlyList<CoordinateSize> Sizes, IReadOnlyList<CoordinateSlope> Slopes)
{
    /// <summary>The largest |slope| over layers, quantities and steps: how far the check is from flat.</summary>
    public double WorstSlope => Slopes.Max(s => Math.Abs(s.Slope));
}
