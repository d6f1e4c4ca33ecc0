namespace LinearizationLab.Layers;

/// <summary>Where a layer kind appears in <see cref="LayerRegistry.TypeNames"/> (and so in error messages); kinds without one come last, by name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LayerOrderAttribute(int order) : Attribute
{
    /// <summary>Smaller comes first.</summary>
    public int Order { get; } = order;
}
