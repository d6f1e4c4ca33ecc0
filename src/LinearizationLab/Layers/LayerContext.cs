namespace LinearizationLab.Layers;

/// <summary>Where a layer sits in a network: the network's parameterization and the layer's input shape (no batch axis).</summary>
public sealed record LayerContext(Parameterization Parameterization, int[] InputShape)
{
    /// <summary>Number of spatial positions of the input (1 for a flat input).</summary>
    public int InputPositions => InputShape.Skip(1).Aggregate(1, (a, n) => a * n);

    /// <summary>Whether the input has spatial axes ([C,L] or [C,H,W]).</summary>
    public bool SpatialInput => InputShape.Length > 1;
}
