using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests;

[Collection("TorchSharp")]
public class GramMatrixTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(63, 40)]
    [InlineData(128, 33)]    // two blocks
    [InlineData(257, 70)]    // four blocks, the last shorter
    [InlineData(400, 300)]
    public void TheBlockedGramIsTheProductOfTheRowsWithThemselves(int rows, int columns)
    {
        // The lower block triangle by GEMMs and the rest copied: the same dot products as G·Gᵀ, summed by the same BLAS, so
        // equal to round-off; every block above the diagonal is the transpose of its mirror bit for bit.
        using var scope = NewDisposeScope();
        var g = randn([rows, columns], float64, generator: new Generator(7));
        var gram = GramMatrix.Of(g);
        var product = g.matmul(g.t());
        Assert.Equal([rows, rows], gram.shape);
        Assert.True((gram - product).abs().max().ToDouble() <= 1e-13 * product.abs().max().ToDouble());
        int blocks = Math.Clamp(rows / GramMatrix.MinBlockRows, 1, GramMatrix.MaxBlocks);
        long size = (rows + blocks - 1) / blocks;
        for (long i = size; i < rows; i += size)
        {
            var above = gram.narrow(0, 0, i).narrow(1, i, Math.Min(size, rows - i));
            var mirror = gram.narrow(0, i, Math.Min(size, rows - i)).narrow(1, 0, i).t();
            Assert.Equal(0.0, (above - mirror).abs().max().ToDouble());
        }
    }

    [Fact]
    public void KeepsTheDtype()
    {
        using var scope = NewDisposeScope();
        var g = randn([200, 10], float32, generator: new Generator(3));
        Assert.Equal(ScalarType.Float32, GramMatrix.Of(g).dtype);
        Assert.Throws<ArgumentException>(() => GramMatrix.Of(randn(3)));
    }
}
