namespace LinearizationLab.Architecture;

/// <summary>A layer that cannot take the shape its predecessor produces.</summary>
public sealed class LayerShapeException(int layerIndex, string reason, string path = "") : ArgumentException(reason)
{
    /// <summary>Index of the offending layer in <c>layers</c>.</summary>
    public int LayerIndex { get; } = layerIndex;

    /// <summary>Where inside that layer (a block) the offending layer sits, e.g. <c>.shortcut[0]</c>; empty for the layer itself.</summary>
    public string Path { get; } = path;
}
