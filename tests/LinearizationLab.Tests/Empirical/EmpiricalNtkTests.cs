using LinearizationLab.Empirical;
using LinearizationLab.Networks;
using MathNet.Numerics.LinearAlgebra;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Empirical;

[Collection("TorchSharp")]
public class EmpiricalNtkTests
{
    // The three methods compute the same sums of products of the same float64 gradients in different orders;
    // the relative round-off of such sums is ~1e-15·√(terms), far below 1e-10.
    private const double RoundOff = 1e-10;

    public static TheoryData<string> Mlps() => new()
    {
        Mlp("relu", 1, 1), Mlp("relu", 2, 3), Mlp("relu", 4, 1, "standard"),
        Mlp("erf", 1, 3), Mlp("erf", 3, 1), Mlp("erf", 2, 3, "standard"),
        Mlp("tanh", 2, 1), Mlp("tanh", 4, 3), Mlp("tanh", 1, 1, "standard"), Mlp("relu", 3, 3, "standard"),
        Mlp("gelu", 2, 3),
        BlockMlps[0], BlockMlps[1], BlockMlps[2], BlockMlps[3],
        // layer_norm after a dense layer and after an activation, with channel_affine (its own γ, β term is a parameter unit's).
        """{"input_shape":[5],"layers":[{"type":"dense","width":12,"w_std":1.5,"b_std":0.3},{"type":"layer_norm"},{"type":"relu"},{"type":"dense","width":12,"w_std":1.5,"b_std":0.3},{"type":"relu"},{"type":"layer_norm","epsilon":0.01},{"type":"channel_affine"},{"type":"dense","width":3,"w_std":1.2,"b_std":0.2}]}""",
        """{"input_shape":[5],"parameterization":"standard","layers":[{"type":"dense","width":12,"w_std":1.5,"b_std":0.3},{"type":"tanh"},{"type":"layer_norm"},{"type":"channel_affine"},{"type":"dense","width":1,"w_std":1.2,"b_std":0.2}]}""",
    };

    public static TheoryData<string> Cnns() => new([.. CnnSpecs, .. BlockCnns]);

    private static readonly string[] CnnSpecs =
    [
        // 1-D, SAME, stride 2, flatten readout.
        """{"input_shape":[2,9],"layers":[{"type":"conv","channels":6,"kernel":[3],"stride":[2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        // 1-D, CIRCULAR then VALID, global average pool, standard parameterization.
        """{"input_shape":[3,8],"parameterization":"standard","layers":[{"type":"conv","channels":5,"kernel":[3],"padding":"circular","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"conv","channels":4,"kernel":[2],"padding":"valid","w_std":1.2,"b_std":0.3},{"type":"tanh"},{"type":"global_avg_pool"},{"type":"dense","width":1}]}""",
        // 2-D, VALID, global average pool.
        """{"input_shape":[2,5,6],"layers":[{"type":"conv","channels":4,"kernel":[2,3],"padding":"valid","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}""",
        // 2-D, SAME with an even kernel and stride 2, then CIRCULAR, flatten.
        """{"input_shape":[2,6,5],"layers":[{"type":"conv","channels":4,"kernel":[2,3],"stride":[2,2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"conv","channels":3,"kernel":[3,3],"padding":"circular","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        // 2-D, CIRCULAR stride 2, standard parameterization, flatten.
        """{"input_shape":[1,6,6],"parameterization":"standard","layers":[{"type":"conv","channels":5,"kernel":[3,3],"stride":[2,2],"padding":"circular","w_std":1.4,"b_std":0.2},{"type":"tanh"},{"type":"flatten"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.1}]}""",
        // 1-D, avg_pool VALID (stride = window) into flatten.
        """{"input_shape":[2,9],"layers":[{"type":"conv","channels":5,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"avg_pool","window":[2]},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        // 1-D, avg_pool SAME with an even window at stride 1 into global_avg_pool, standard parameterization.
        """{"input_shape":[3,7],"parameterization":"standard","layers":[{"type":"conv","channels":4,"kernel":[2],"padding":"valid","w_std":1.3,"b_std":0.1},{"type":"tanh"},{"type":"avg_pool","window":[2],"stride":[1],"padding":"same"},{"type":"global_avg_pool"},{"type":"dense","width":1}]}""",
        // 2-D, avg_pool SAME stride 2 (uneven edge padding) into a conv, then global_avg_pool.
        """{"input_shape":[2,5,6],"layers":[{"type":"conv","channels":4,"kernel":[2,3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"avg_pool","window":[2,2],"padding":"same"},{"type":"conv","channels":3,"kernel":[2,2],"padding":"valid","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}""",
        // 2-D, avg_pool VALID at stride 1 into another avg_pool (SAME), flatten.
        """{"input_shape":[1,6,6],"layers":[{"type":"conv","channels":4,"kernel":[3,3],"padding":"valid","w_std":1.4,"b_std":0.2},{"type":"tanh"},{"type":"avg_pool","window":[2,2],"stride":[1,1]},{"type":"avg_pool","window":[2,2],"stride":1,"padding":"same"},{"type":"flatten"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}""",
        // 2-D, eight input channels at stride 2 down to 2×2 then 1×1 positions: both convs contract by the position kernel
        // (ConvLayer.CheaperContraction), the others here by per-example gradients.
        """{"input_shape":[8,4,4],"layers":[{"type":"conv","channels":16,"kernel":[3,3],"stride":[2,2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"conv","channels":6,"kernel":[2,2],"padding":"valid","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        // 1-D, layer_norm over the channels at each position, channel_affine, layer_norm after ReLU, global average pool.
        """{"input_shape":[2,7],"layers":[{"type":"conv","channels":5,"kernel":[3],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"layer_norm"},{"type":"channel_affine"},{"type":"erf"},{"type":"conv","channels":4,"kernel":[2],"padding":"valid","w_std":1.3,"b_std":0.1},{"type":"relu"},{"type":"layer_norm","epsilon":0.01},{"type":"global_avg_pool"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}""",
    ];

    [Theory]
    [MemberData(nameof(Mlps))]
    [MemberData(nameof(Cnns))]
    public void ThreeMethodsAgreeToRoundOff(string json)
    {
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 7, TensorSettings.CpuFloat64);
        var x1 = Inputs(spec, 5, 1);
        var x2 = Inputs(spec, 4, 2);
        var ntk = new EmpiricalNtk(network);
        foreach (var x in new[] { x2, null })
        {
            var structured = ntk.Compute(x1, x, NtkMethod.Structured);
            var jacobian = ntk.Compute(x1, x, NtkMethod.Jacobian);
            var ntvp = ntk.Compute(x1, x, NtkMethod.Ntvp);
            int n2 = x is null ? 5 : 4, o = spec.OutputCount;
            Assert.Equal(5 * o, structured.Full.GetLength(0));
            Assert.Equal(n2 * o, structured.Full.GetLength(1));
            Assert.True(RelativeDistance(jacobian.Full, structured.Full) < RoundOff);
            Assert.True(RelativeDistance(ntvp.Full, structured.Full) < RoundOff);
            Assert.True(RelativeDistance(ntvp.Averaged, structured.Averaged) < RoundOff);
            for (int l = 0; l < structured.PerLayer.Count; l++)
            {
                Assert.True(RelativeDistance(jacobian.PerLayer[l], structured.PerLayer[l]) < RoundOff);
                Assert.True(RelativeDistance(ntvp.PerLayer[l], structured.PerLayer[l]) < RoundOff);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void PerLayerTermsSumToTheKernelWhichIsSymmetricPsd(int caseIndex)
    {
        string json = caseIndex switch { 0 => Mlp("relu", 3, 3), 1 => Mlp("erf", 2, 1, "standard"), _ => CnnSpecs[caseIndex] };
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        var r = new EmpiricalNtk(network).Compute(Inputs(spec, 6, 5), null, NtkMethod.Structured);
        int n = r.Full.GetLength(0);
        Assert.Equal(spec.AffineLayerIndices.Count, r.PerLayer.Count);   // these networks have no blocks: one unit per dense/conv layer
        var sum = new double[n, n];
        foreach (var layer in r.PerLayer)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) sum[i, j] += layer[i, j];
        // Σ_l Θ̂_l and Θ̂ add the same terms in a different order: float64 round-off.
        Assert.True(RelativeDistance(sum, r.Full) < RoundOff);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
                // Θ̂[i,j] and Θ̂[j,i] are the same dot products of gradients taken in other orders: round-off ≪ 1e-12 of the diagonal.
                Assert.True(Math.Abs(r.Full[i, j] - r.Full[j, i]) <= 1e-12 * Math.Abs(r.Full[i, i] + r.Full[j, j]));
        // Θ̂ = J Jᵀ is PSD; a computed eigenvalue can dip below 0 by round-off ~ 1e-16·λmax·n.
        var eig = Matrix<double>.Build.DenseOfArray(r.Full).Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric)
            .EigenValues.Select(c => c.Real).ToArray();
        Assert.True(eig.Min() >= -1e-10 * eig.Max());
        // The averaged kernel is the diagonal-in-outputs mean of the full one: a mean of ≤ 3 terms, round-off ~1e-16.
        Assert.True(RelativeDistance(NtkResult.OutputAverage(r.Full, r.OutputCount), r.Averaged) < 1e-14);
    }

    [Fact]
    public void ApplyIsTheKernelTimesAVector()
    {
        var spec = Spec(Mlp("tanh", 2, 3));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        var x1 = Inputs(spec, 4, 1);
        var x2 = Inputs(spec, 5, 2);
        var v = Inputs(spec, 5, 3).narrow(1, 0, 3);
        var ntk = new EmpiricalNtk(network);
        var (full, _) = ntk.ComputeTensors(x1, x2, NtkMethod.Structured, perLayer: false);
        var expected = full.matmul(v.reshape(-1)).reshape(4, 3);
        var actual = ntk.Apply(x1, x2, v);
        // Same products summed in another order: float64 round-off.
        Assert.True((actual - expected).norm().ToDouble() <= 1e-12 * expected.norm().ToDouble());
    }

    [Fact]
    public void MethodNamesParse()
    {
        Assert.Equal(NtkMethod.Structured, EmpiricalNtk.ParseMethod("structured"));
        Assert.Equal(NtkMethod.Jacobian, EmpiricalNtk.ParseMethod("jacobian"));
        Assert.Equal(NtkMethod.Ntvp, EmpiricalNtk.ParseMethod("NTVP"));
        Assert.Throws<ArgumentException>(() => EmpiricalNtk.ParseMethod("fast"));
    }
}
