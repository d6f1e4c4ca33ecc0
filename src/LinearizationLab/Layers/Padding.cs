namespace LinearizationLab.Layers;

/// <summary>Convolution padding, as in neural-tangents' <c>stax.Padding</c>.</summary>
public enum Padding
{
    /// <summary>Zero padding so that the output has ⌈n/stride⌉ positions.</summary>
    Same,

    /// <summary>No padding.</summary>
    Valid,

    /// <summary>Periodic (wrap-around) padding by the SAME amounts, then VALID.</summary>
    Circular,
}
