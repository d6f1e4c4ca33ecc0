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

    /// <summary>Reads one layer and rejects any field its kind did not read.</summary>
    public static Layer ReadChecked(JsonSection section)
    {
        var layer = Read(section);
        section.RejectUnknownFields();
        return layer;
    }

    /// <summary>The list of layers in field <paramref name="name"/> (a block's chain); empty only where <paramref name="allowEmpty"/>.</summary>
    public static IReadOnlyList<Layer> ReadList(JsonSection section, string name, bool allowEmpty = false)
    {
        var layers = section.Sections(name).Select(ReadChecked).ToArray();
        if (layers.Length == 0 && !allowEmpty) throw section.Error(name, "must list at least one layer");
        return layers;
    }

    /// <summary>A list of layer lists in field <paramref name="name"/> (a block's branches): at least one, each with at least one layer.</summary>
    public static IReadOnlyList<IReadOnlyList<Layer>> ReadLists(JsonSection section, string name)
    {
        var element = section.Element(name) ?? throw section.Error(name, "is required");
        if (element.ValueKind != System.Text.Json.JsonValueKind.Array)
            throw section.Error(name, "must be an array of branches, each an array of layers");
        var lists = new List<IReadOnlyList<Layer>>();
        foreach (var branch in element.EnumerateArray())
        {
            string path = $"{section.FieldPath(name)}[{lists.Count}]";
            if (branch.ValueKind != System.Text.Json.JsonValueKind.Array)
                throw new InvalidInputException(section.File, path, "must be an array of layers");
            var layers = branch.EnumerateArray().Select((l, k) => ReadChecked(JsonSection.FromElement(l, section.File, $"{path}[{k}]"))).ToArray();
            if (layers.Length == 0) throw new InvalidInputException(section.File, path, "must list at least one layer (an empty branch would be the identity; write {\"type\": \"identity\"})");
            lists.Add(layers);
        }
        if (lists.Count == 0) throw section.Error(name, "must list at least one branch");
        return lists;
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
