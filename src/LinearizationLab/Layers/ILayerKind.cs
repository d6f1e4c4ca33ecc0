using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>A layer kind readable from arch.json: the <c>type</c> names it answers to and how it reads its fields. <see cref="LayerRegistry"/> finds every implementation.</summary>
public interface ILayerKind
{
    /// <summary>The arch.json <c>type</c> names of this kind, each with its reader of the layer's JSON object.</summary>
    static abstract IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes { get; }
}
