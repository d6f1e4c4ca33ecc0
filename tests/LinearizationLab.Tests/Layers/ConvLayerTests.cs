using LinearizationLab.Layers;
using LinearizationLab.Architecture;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Networks;
using Padding = LinearizationLab.Layers.Padding;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

[Collection("TorchSharp")]
public class ConvLayerTests
{
    /// <summary>
    /// CNNs whose layers all have hand-written passes: 1-D SAME at stride 2; 2-D SAME with an even kernel at stride 2 then CIRCULAR;
    /// 1-D VALID at stride 2 (a position the windows never reach); a 1-D residual block with a 1×1 conv shortcut; 2-D CIRCULAR with
    /// an even kernel into a channel concatenation; 2-D SAME at stride 2 on an odd size (cnn-fashion's layers), standard parameterization.
    /// </summary>
    /// <summary>cnn-fashion's layers on 1×7×7: 2-D SAME, then SAME at stride 2, standard parameterization.</summary>
    private const string StridedCnn =
        """{"input_shape":[1,7,7],"parameterization":"standard","layers":[{"type":"conv","channels":4,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"conv","channels":5,"kernel":[3,3],"stride":2,"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0}]}""";

    public static TheoryData<string> HandWrittenCnns() => new(
        """{"input_shape":[2,9],"layers":[{"type":"conv","channels":6,"kernel":[3],"stride":[2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        """{"input_shape":[2,6,5],"layers":[{"type":"conv","channels":4,"kernel":[2,3],"stride":[2,2],"padding":"same","w_std":1.4,"b_std":0.2},{"type":"relu"},{"type":"conv","channels":3,"kernel":[3,3],"padding":"circular","w_std":1.3,"b_std":0.1},{"type":"erf"},{"type":"flatten"},{"type":"dense","width":3,"w_std":1.0,"b_std":0.1}]}""",
        """{"input_shape":[3,8],"layers":[{"type":"conv","channels":4,"kernel":[3],"stride":[2],"padding":"valid","w_std":1.3,"b_std":0.1},{"type":"tanh"},{"type":"conv","channels":3,"kernel":[2],"padding":"valid","w_std":1.2,"b_std":0.3},{"type":"flatten"},{"type":"dense","width":2}]}""",
        NtkTestNetworks.BlockCnns[1],
        """{"input_shape":[1,4,4],"layers":[{"type":"conv","channels":3,"kernel":[2,2],"padding":"circular","w_std":1.4,"b_std":0.1},{"type":"tanh"},{"type":"parallel","combine":"concat","branches":[[{"type":"conv","channels":2,"kernel":[3,3],"padding":"same","w_std":1.2}],[{"type":"conv","channels":3,"kernel":[1,1],"w_std":1.1,"b_std":0.3},{"type":"relu"}]]},{"type":"flatten"},{"type":"dense","width":1,"w_std":1.0}]}""",
        StridedCnn);

    [Theory]
    [MemberData(nameof(HandWrittenCnns))]
    public void HandWrittenPassesAreAutogradsAndForwardModes(string json)
    {
        var spec = NtkTestNetworks.Spec(json);
        Assert.True(spec.Layers.All(l => l.SupportsBackprop));
        // im2col + GEMM and col2im against libtorch's convolution and its autograd: the same sums of products in float64 in
        // another order, so they agree to round-off.
        Assert.InRange(HandWrittenPasses.BackpropGap(spec), 0, 1e-12);
        Assert.InRange(HandWrittenPasses.TangentGap(spec), 0, 1e-12);
        for (int order = 1; order <= 3; order++)
            Assert.InRange(HandWrittenPasses.JetGap(spec, order), 0, 1e-12);
    }

    private static ConvLayer Conv(int k, int s, Padding p) => new(1, [k], [s], p, 1, 0);

    [Theory]
    // SAME: total = max((ceil(n/s) - 1)·s + k - n, 0), floor(total/2) before (JAX, neural-tangents, PyTorch for s = 1).
    [InlineData(3, 1, 8, 1, 1, 8)]
    [InlineData(2, 1, 8, 0, 1, 8)]   // even kernel: 0 before, 1 after (docs/KERNEL-CONVENTIONS.md)
    [InlineData(4, 1, 8, 1, 2, 8)]
    [InlineData(3, 2, 12, 0, 1, 6)]
    [InlineData(3, 2, 7, 1, 1, 4)]
    [InlineData(1, 1, 5, 0, 0, 5)]
    public void Same_padding_amounts(int k, int s, int n, int before, int after, int output)
    {
        Assert.Equal(new SpatialPadding(before, after, output), Conv(k, s, Padding.Same).PaddingFor(0, n));
        Assert.Equal(new SpatialPadding(before, after, output), Conv(k, s, Padding.Circular).PaddingFor(0, n));
    }

    [Theory]
    [InlineData(3, 1, 8, 6)]
    [InlineData(3, 2, 8, 3)]
    [InlineData(2, 2, 8, 4)]
    public void ValidOutputSize(int k, int s, int n, int output) =>
        Assert.Equal(new SpatialPadding(0, 0, output), Conv(k, s, Padding.Valid).PaddingFor(0, n));

    [Fact]
    public void ASumOfJacobianFactorsContractsLikeTheSumOverPairs()
    {
        // J_L = J(a1, Δ1) + J(ȧ, Δ2) without bias against J_R = J(a3, Δ3): the conv sums each side's per-example gradients
        // before one Gram, the definition is the sum of the four pairwise terms with the bias where both factors carry it.
        var spec = NtkTestNetworks.Spec(StridedCnn);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, global::LinearizationLab.Networks.TensorSettings.CpuFloat64);
        var conv = network.Layers[2];
        var generator = new TorchSharp.torch.Generator(11);
        Tensor A() => randn([4, 4, 7, 7], float64, generator: generator);
        Tensor D() => randn([4, 3, 5, 4, 4], float64, generator: generator);
        JacobianFactor[] left = [new(A(), D()), new(A(), D(), Bias: false)];
        JacobianFactor[] right = [new(A(), D())];
        var summed = conv.Kind.StructuredNtkTerm(conv.Context, left, right, 3);
        var pairs = left.Select(l => conv.Kind.StructuredNtkTerm(conv.Context, l.Input, l.Delta, right[0].Input, right[0].Delta, 3, l.Bias))
            .Aggregate((x, y) => x + y);
        Assert.True((summed - pairs).norm().ToDouble() <= 1e-13 * pairs.norm().ToDouble());
        var same = conv.Kind.StructuredNtkTerm(conv.Context, left, left, 3);
        Assert.True((same - same.t()).norm().ToDouble() <= 1e-14 * same.norm().ToDouble());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThePositionKernelContractsLikeThePerExampleGradients(bool same)
    {
        // Δ [N, O·C_out, P] and patches [N, F, P] for 5 examples at 6 positions and, on two sets, 4 at 9 positions (a sum of
        // factors on one side), 3 outputs, 4 channels, F = 7: the same sums of products in another order.
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(5);
        var (d1, r1) = (randn([5, 12, 6], float64, generator: generator), randn([5, 7, 6], float64, generator: generator));
        var (d2, r2) = same ? (d1, r1) : (randn([4, 12, 9], float64, generator: generator), randn([4, 7, 9], float64, generator: generator));
        var perExample = ConvLayer.WeightTerm(d1, r1, d2, r2, 3, same, ConvLayer.Contraction.PerExampleGradients);
        var positionKernel = ConvLayer.WeightTerm(d1, r1, d2, r2, 3, same, ConvLayer.Contraction.PositionKernel);
        Assert.Equal(new long[] { 15, same ? 15 : 12 }, positionKernel.shape);
        Assert.True((positionKernel - perExample).norm().ToDouble() <= 1e-13 * perExample.norm().ToDouble());
        if (same) Assert.True((positionKernel - positionKernel.t()).norm().ToDouble() <= 1e-14 * positionKernel.norm().ToDouble());
    }

    [Theory]
    // cnn-fashion at 128 channels, 40 examples, 10 outputs: the strided conv (F = 1152, 7×7 positions) by the position kernel;
    // two factors end to end on both sides (98 positions, as in an order-2 Taylor model's kernel) and the first conv (F = 9,
    // 14×14) by per-example gradients.
    [InlineData(1152, 49, 49, true, ConvLayer.Contraction.PositionKernel)]
    [InlineData(1152, 49, 49, false, ConvLayer.Contraction.PositionKernel)]
    [InlineData(1152, 98, 98, true, ConvLayer.Contraction.PerExampleGradients)]
    [InlineData(9, 196, 196, true, ConvLayer.Contraction.PerExampleGradients)]
    internal void TheCheaperContractionFollowsTheMultiplyAddCounts(long fanIn, long positions1, long positions2, bool same, ConvLayer.Contraction expected) =>
        Assert.Equal(expected, ConvLayer.CheaperContraction(40, 40, 10, 128, fanIn, positions1, positions2, same));

    [Fact]
    public void FanInCountsChannelsTimesFilter() =>
        Assert.Equal(3 * 5 * 2, new ConvLayer(7, [5, 2], [1, 1], Padding.Same, 1, 0).FanIn([3, 9, 9]));
}
