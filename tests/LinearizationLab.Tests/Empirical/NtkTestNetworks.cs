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

    /// <summary>
    /// MLPs on d=5 inputs built from blocks: a scaled residual block with an identity shortcut, a residual block with a
    /// projection shortcut, a concatenation of branches, a parallel sum inside a repeat block and a serial readout, in both
    /// parameterizations. Every view of the library is checked on them where the flat networks are.
    /// </summary>
    public static readonly string[] BlockMlps =
    [
        """
        {"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},{"type":"relu"},
        {"type":"residual","scale":0.7,"layers":[{"type":"dense","width":12,"w_std":1.3,"b_std":0.1},{"type":"tanh"},{"type":"dense","width":12,"w_std":1.2,"b_std":0.3}]},
        {"type":"erf"},{"type":"dense","width":3,"w_std":1.1,"b_std":0.2}]}
        """,
        """
        {"input_shape":[5],"parameterization":"standard","layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},
        {"type":"residual","layers":[{"type":"erf"},{"type":"dense","width":10,"w_std":1.3,"b_std":0.1}],"shortcut":[{"type":"dense","width":10,"w_std":1.0}]},
        {"type":"tanh"},{"type":"dense","width":2,"w_std":1.1,"b_std":0.2}]}
        """,
        """
        {"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},{"type":"tanh"},
        {"type":"parallel","combine":"concat","branches":[[{"type":"dense","width":6,"w_std":1.3}],[{"type":"dense","width":8,"w_std":1.2,"b_std":0.4},{"type":"erf"}]]},
        {"type":"dense","width":2,"w_std":1.1,"b_std":0.2}]}
        """,
        """
        {"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.4,"b_std":0.2},
        {"type":"repeat","count":2,"layers":[{"type":"parallel","branches":[[{"type":"tanh"},{"type":"dense","width":12,"w_std":1.2,"b_std":0.1}],[{"type":"identity"}]]}]},
        {"type":"serial","layers":[{"type":"erf"},{"type":"dense","width":1,"w_std":1.1,"b_std":0.2}]}]}
        """,
    ];

    /// <summary>
    /// CNNs built from blocks: a residual block of two convolutions (identity shortcut) before global average pooling, a 1-D
    /// residual block with a 1×1 conv projection, and a channel concatenation.
    /// </summary>
    public static readonly string[] BlockCnns =
    [
        """
        {"input_shape":[2,5,5],"layers":[{"type":"conv","channels":4,"kernel":[3,3],"padding":"same","w_std":1.4,"b_std":0.1},{"type":"relu"},
        {"type":"residual","layers":[{"type":"conv","channels":4,"kernel":[3,3],"padding":"same","w_std":1.3},{"type":"erf"},{"type":"conv","channels":4,"kernel":[3,3],"padding":"same","w_std":1.2,"b_std":0.2}]},
        {"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}
        """,
        """
        {"input_shape":[2,9],"parameterization":"standard","layers":[{"type":"conv","channels":4,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.1},
        {"type":"residual","scale":0.5,"layers":[{"type":"tanh"},{"type":"conv","channels":6,"kernel":[3],"padding":"same","w_std":1.3}],"shortcut":[{"type":"conv","channels":6,"kernel":[1],"w_std":1.0}]},
        {"type":"erf"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}
        """,
        """
        {"input_shape":[1,4,4],"layers":[{"type":"conv","channels":3,"kernel":[2,2],"padding":"circular","w_std":1.4,"b_std":0.1},{"type":"tanh"},
        {"type":"parallel","combine":"concat","branches":[[{"type":"conv","channels":2,"kernel":[3,3],"padding":"same","w_std":1.2}],[{"type":"conv","channels":3,"kernel":[1,1],"w_std":1.1,"b_std":0.3},{"type":"relu"}]]},
        {"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0}]}
        """,
    ];

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
