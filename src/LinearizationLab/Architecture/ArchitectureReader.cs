using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Architecture;

/// <summary>Reads arch.json (the format in README.md, "Configs") into an <see cref="ArchitectureSpec"/>, with named errors.</summary>
public static class ArchitectureReader
{
    /// <summary>Loads and validates an arch.json file.</summary>
    public static ArchitectureSpec Load(string path) => Read(JsonSection.Load(path));

    /// <summary>
    /// The <c>arch</c> field of a run, sweep or gp config: a path to an arch.json relative to the config (loaded) or an
    /// inline object. <paramref name="file"/> is the arch.json's absolute path, or null when the architecture is inline.
    /// </summary>
    public static ArchitectureSpec ReadField(JsonSection config, out string? file)
    {
        ArgumentNullException.ThrowIfNull(config);
        var arch = Read(config.FileOrSection("arch", "an arch.json"));
        file = config.Element("arch") is { ValueKind: System.Text.Json.JsonValueKind.String } path
            ? System.IO.Path.GetFullPath(config.ResolvePath(path.GetString()!)) : null;
        return arch;
    }

    /// <summary>Reads an architecture from a JSON object (a file root or an inline <c>arch</c> object).</summary>
    public static ArchitectureSpec Read(JsonSection s)
    {
        int[] input = s.IntArray("input_shape", min: 1) ?? throw s.Error("input_shape", "is required");
        if (input.Length is < 1 or > 3) throw s.Error("input_shape", "must be [d], [C,L] or [C,H,W]");
        var parameterization = s.String("parameterization", "ntk", "ntk", "standard") == "ntk"
            ? Parameterization.Ntk : Parameterization.Standard;
        var layerSections = s.Sections("layers");
        if (layerSections.Count == 0) throw s.Error("layers", "must list at least one layer");
        var layers = layerSections.Select(LayerRegistry.ReadChecked).ToArray();
        s.RejectUnknownFields();
        try
        {
            return new ArchitectureSpec(input, parameterization, layers);
        }
        catch (LayerShapeException e)
        {
            throw new InvalidInputException(s.File, $"{s.FieldPath("layers")}[{e.LayerIndex}]{e.Path}", e.Message);
        }
    }
}
