using LinearizationLab.Layers;
using LinearizationLab.Architecture;

namespace LinearizationLab.Tests.Layers;

public class ConvLayerTests
{
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
    public void FanInCountsChannelsTimesFilter() =>
        Assert.Equal(3 * 5 * 2, new ConvLayer(7, [5, 2], [1, 1], Padding.Same, 1, 0).FanIn([3, 9, 9]));
}
