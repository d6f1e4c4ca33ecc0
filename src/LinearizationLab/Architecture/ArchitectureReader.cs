using LinearizationLab.Configuration;

namespace LinearizationLab.Architecture;

/// <summary>Reads arch.json (DESIGN.md contract) into an <see cref="ArchitectureSpec"/>, with named errors.</summary>
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

    private static LayerSpec ReadLayer(JsonSection l)
    {
        string type = l.String("type");
        LayerSpec layer = type.ToLowerInvariant() switch
        {
            "dense" => new DenseSpec(l.Int("width", min: 1), WStd(l), BStd(l)),
            "conv" => ReadConv(l),
            "relu" => new ActivationSpec(Activation.Relu),
            "erf" => new ActivationSpec(Activation.Erf),
            "tanh" => new ActivationSpec(Activation.Tanh),
            "identity" => new ActivationSpec(Activation.Identity),
            "flatten" => new FlattenSpec(),
            "global_avg_pool" => new GlobalAvgPoolSpec(),
            _ => throw l.Error("type", $"unknown layer type '{type}' (dense, conv, relu, erf, tanh, identity, flatten, global_avg_pool)"),
        };
        l.RejectUnknownFields();
        return layer;
    }

    private static double WStd(JsonSection l) => l.Double("w_std", 1.0, min: 0, minExclusive: true);

    private static double BStd(JsonSection l) => l.Double("b_std", 0.0, min: 0);

    private static ConvSpec ReadConv(JsonSection l)
    {
        int channels = l.Int("channels", min: 1);
        int[] kernel = l.IntArray("kernel", min: 1) ?? throw l.Error("kernel", "is required");
        if (kernel.Length is < 1 or > 2) throw l.Error("kernel", "must be [k] (1-D) or [kh,kw] (2-D)");
        int[] stride = l.IntArray("stride", min: 1) ?? Enumerable.Repeat(1, kernel.Length).ToArray();
        if (stride.Length == 1 && kernel.Length == 2) stride = [stride[0], stride[0]];
        if (stride.Length != kernel.Length) throw l.Error("stride", $"must have {kernel.Length} entries like kernel");
        var padding = l.String("padding", "valid", "same", "valid", "circular") switch
        {
            "same" => Padding.Same,
            "circular" => Padding.Circular,
            _ => Padding.Valid,
        };
        return new ConvSpec(channels, kernel, stride, padding, WStd(l), BStd(l));
    }
}
