using System.Reflection;
using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// Every layer kind by its arch.json <c>type</c> name: the layer types of this assembly that implement <see cref="ILayerKind"/>,
/// found once by reflection, so adding a layer kind is adding its file.
/// </summary>
public static class LayerRegistry
{
    private static readonly Lazy<IReadOnlyList<(string TypeName, Func<JsonSection, Layer> Read)>> Kinds = new(Discover);

    /// <summary>The known <c>type</c> names, in the order the kinds declare them.</summary>
    public static IReadOnlyList<string> TypeNames => Kinds.Value.Select(k => k.TypeName).ToArray();

    /// <summary>Reads the layer a JSON object describes; an unknown <c>type</c> is an <see cref="InvalidInputException"/> naming the field.</summary>
    public static Layer Read(JsonSection section)
    {
        string type = section.String("type");
        string name = type.ToLowerInvariant();
        foreach (var kind in Kinds.Value)
        {
            if (kind.TypeName == name) return kind.Read(section);
        }

        throw section.Error("type", $"unknown layer type '{type}' ({string.Join(", ", TypeNames)})");
    }

    private static IReadOnlyList<(string, Func<JsonSection, Layer>)> Discover()
    {
        var method = typeof(LayerRegistry).GetMethod(nameof(JsonTypesOf), BindingFlags.NonPublic | BindingFlags.Static)!;
        return typeof(Layer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(Layer).IsAssignableFrom(t) && typeof(ILayerKind).IsAssignableFrom(t))
            .OrderBy(t => t.GetCustomAttribute<LayerOrderAttribute>()?.Order ?? int.MaxValue).ThenBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => (IEnumerable<(string, Func<JsonSection, Layer>)>)method.MakeGenericMethod(t).Invoke(null, null)!)
            .ToArray();
    }

    private static IEnumerable<(string, Func<JsonSection, Layer>)> JsonTypesOf<T>() where T : ILayerKind => T.JsonTypes;
}
