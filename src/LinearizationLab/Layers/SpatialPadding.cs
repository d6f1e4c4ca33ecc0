namespace LinearizationLab.Layers;

/// <summary>Padding of one spatial axis: positions added before and after, and the output length.</summary>
public readonly record struct SpatialPadding(int Before, int After, int OutputSize);
