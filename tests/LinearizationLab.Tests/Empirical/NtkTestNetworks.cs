using LinearizationLab.Experiments;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Empirical;

/// <summary>Small float64 networks and inputs for the NTK tests, built from arch.json text.</summary>
internal static class NtkTestNetworks
{
    public static ArchitectureSpec Spec(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "test.json"));

    /// <summary>An MLP on d=5 inputs with <paramref name="depth"/> hidden layers of width 12 and <paramref name="outputs"/> outputs.</summary>
    public static string Mlp(string activation, int depth, int outputs, string parameterization = "ntk")
    {
        var layers = new List<string>();
        for (int i = 0; i < depth; i++)
        {
            layers.Add("{\"type\":\"dense\",\"width\":12,\"w_std\":1.5,\"b_std\":0.3}");
            layers.Add($"{{\"type\":\"{activation}\"}}");
        }
        layers.Add($"{{\"type\":\"dense\",\"width\":{outputs},\"w_std\":1.2,\"b_std\":0.2}}");
        return $"{{\"input_shape\":[5],\"parameterization\":\"{parameterization}\",\"layers\":[{string.Join(",", layers)}]}}";
    }

    /// <summary>Standard-normal inputs [n, ...shape] in float64 from a seeded generator.</summary>
    public static Tensor Inputs(ArchitectureSpec spec, int n, ulong seed)
    {
        using var g = new Generator(seed);
        return randn([n, .. spec.InputShape.Select(s => (long)s)], ScalarType.Float64, CPU, generator: g);
    }

    /// <summary>The structured empirical NTK Θ̂(x, x) [N·O, N·O] at <paramref name="theta"/> (default: the network's own θ).</summary>
    public static Tensor StructuredNtk(Network network, Tensor x, IReadOnlyList<Tensor>? theta = null) =>
        new LinearizationLab.Empirical.EmpiricalNtk(network, theta).ComputeTensors(x, null, LinearizationLab.Empirical.NtkMethod.Structured, perLayer: false).Total;

    /// <summary>‖a − b‖_F / ‖b‖_F, the distance the harness reports.</summary>
    public static double RelativeDistance(double[,] a, double[,] b) => MatrixDistance.RelativeFrobenius(a, b);
}
