using LinearizationLab.Architecture;
using LinearizationLab.Configuration;

namespace LinearizationLab.Tests;

/// <summary>Architectures written inline in tests, read through the same parser as arch.json files.</summary>
internal static class Arch
{
    public static ArchitectureSpec Parse(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "test-arch.json"));

    /// <summary>A ReLU (or other φ) MLP with the given hidden widths and O outputs.</summary>
    public static ArchitectureSpec Mlp(int d, int[] hidden, int outputs, string activation = "relu",
        string parameterization = "ntk", double wStd = 1.5, double bStd = 0.1)
    {
        var layers = hidden.Select(w => $$"""{"type":"dense","width":{{w}},"w_std":{{wStd}},"b_std":{{bStd}}},{"type":"{{activation}}"}""");
        return Parse($$"""
            {"input_shape":[{{d}}],"parameterization":"{{parameterization}}","layers":[
              {{string.Join(",", layers)}}{{(hidden.Length > 0 ? "," : "")}}
              {"type":"dense","width":{{outputs}},"w_std":{{wStd}},"b_std":{{bStd}}}]}
            """);
    }
}
