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
        var abc = ReadParameterization(s);
        var parameterization = abc?.Base ?? (s.OptionalString("parameterization") == "standard" ? Parameterization.Standard : Parameterization.Ntk);
        var layerSections = s.Sections("layers");
        if (layerSections.Count == 0) throw s.Error("layers", "must list at least one layer");
        var layers = layerSections.Select(LayerRegistry.ReadChecked).ToArray();
        s.RejectUnknownFields();
        try
        {
            return new ArchitectureSpec(input, parameterization, layers, abc);
        }
        catch (LayerShapeException e)
        {
            throw new InvalidInputException(s.File, $"{s.FieldPath("layers")}[{e.LayerIndex}]{e.Path}", e.Message);
        }
        catch (ArgumentException e)
        {
            throw s.Error("parameterization", e.Message);
        }
    }

    private static readonly string[] Roles = ["input", "hidden", "output", "bias"];

    /// <summary>
    /// <c>parameterization</c>: a preset name (<see cref="AbcParameterization.Presets"/>) or an abc table
    /// <c>{"base": "standard"|"ntk", "input": {"a", "b", "c", "c_adam"?}, "hidden": …, "output": …, "bias": …}</c>; with any
    /// but ntk and standard, <c>base_width</c> (the width where it coincides with its base). Null for plain ntk or standard.
    /// </summary>
    private static AbcParameterization? ReadParameterization(JsonSection s)
    {
        int? baseWidth = s.OptionalInt("base_width", min: 1);
        if (s.Element("parameterization") is { ValueKind: System.Text.Json.JsonValueKind.Object })
        {
            var table = s.RequiredSection("parameterization");
            var roles = Roles.Select(role => ReadExponents(table.Section(role) ?? throw table.Error(role, "is required in an abc table (input, hidden, output, bias)"))).ToArray();
            var tableBase = table.String("base", "standard", "standard", "ntk") == "ntk" ? Parameterization.Ntk : Parameterization.Standard;
            table.RejectUnknownFields();
            return new AbcParameterization("abc", tableBase, baseWidth ?? throw s.Error("base_width", "is required with an abc table"),
                roles[0], roles[1], roles[2], roles[3]);
        }
        string name = s.String("parameterization", "ntk", [.. AbcParameterization.Presets]);
        if (name is "ntk" or "standard" && baseWidth is null) return null;
        return AbcParameterization.Preset(name, baseWidth ?? throw s.Error("base_width", $"is required with parameterization {name} (the width where it coincides with the standard parameterization)"));
    }

    private static AbcExponents ReadExponents(JsonSection role)
    {
        double c = role.Double("c");
        var exponents = new AbcExponents(role.Double("a"), role.Double("b"), c, role.OptionalDouble("c_adam") ?? c);
        role.RejectUnknownFields();
        return exponents;
    }
}
