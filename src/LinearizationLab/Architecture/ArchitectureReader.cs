using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Architecture;

/// <summary>Reads arch.json (the format in README.md, "Configs") into an <see cref="ArchitectureSpec"/>, with named errors.</summary>
public static class ArchitectureReader
{
    /// <summary>Loads and validates an arch.json file.</summary>
    public static ArchitectureSpec Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads an architecture from a JSON object (a file root or an inline <c>arch</c> object).</summary>
    public static ArchitectureSpec Read(JsonSection s)
    {
        int[] input = s.IntArray("input_shape", min: 1) ?? throw s.Error("input_shape", "is required");
        if (input.Length is < 1 or > 3) throw s.Error("input_shape", "must be [d], [C,L] or [C,H,W]");
        var parameterization = s.String("parameterization", "ntk", "ntk", "standard") == "ntk"
            ? Parameterization.Ntk : Parameterization.Standard;
        var layerSections = s.Sections("layers");
        if (layerSections.Count == 0) throw s.Error("layers", "must list at least one layer");
        var layers = layerSections.Select(ReadLayer).ToArray();
        s.RejectUnknownFields();
        try
        {
            return new ArchitectureSpec(input, parameterization, layers);
        }
        catch (LayerShapeException e)
        {
            throw new InvalidInputException(s.File, $"{s.FieldPath("layers")}[{e.LayerIndex}]", e.Message);
        }
    }

    private static Layer ReadLayer(JsonSection l)
    {
        var layer = LayerRegistry.Read(l);
        l.RejectUnknownFields();
        return layer;
    }
}
