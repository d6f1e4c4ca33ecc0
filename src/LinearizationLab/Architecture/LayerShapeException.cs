namespace LinearizationLab.Architecture;

/// <summary>A layer that cannot take the shape its predecessor produces.</summary>
public sealed class LayerShapeException(int layerIndex, string reason) : ArgumentException(reason)
{
    /// <summary>Index of the offending layer in <c>layers</c>.</summary>
    public int LayerIndex { get; } = layerIndex;
}
