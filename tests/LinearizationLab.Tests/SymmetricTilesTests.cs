using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests;

/// <summary>
/// Facts about a symmetric matrix in lower-triangular tiles: at every tile size (one tile, tiles that divide N, a ragged last
/// tile, 1×1 tiles) it holds the matrix its lower triangle gives, multiplies like it, and its tiled Cholesky factor, solves
/// and forward substitution equal MathNet's dense ones (1e-10 relative: float64 round-off times κ ≲ 1e3).
/// </summary>
public class SymmetricTilesTests
{
    private static (Matrix<double> A, Matrix<double> B) Problem(int n, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var g = Matrix<double>.Build.Dense(n, n, (_, _) => Gaussian());
        return (g * g.Transpose() / n + Matrix<double>.Build.DenseIdentity(n) * 0.05, Matrix<double>.Build.Dense(n, 3, (_, _) => Gaussian()));
    }

    private static Span<double> Flat(double[,] a) => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);

    [Theory]
    [InlineData(40)]
    [InlineData(10)]
    [InlineData(7)]
    [InlineData(1)]
    public void TiledMatrixMultipliesAndFactorizesLikeTheDenseOne(int tileSize)
    {
        const int n = 30;
        var (a, b) = Problem(n, tileSize);
        var dense = a.ToArray();
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) dense[i, j] = double.NaN;   // only the lower triangle is read
        var tiles = SymmetricTiles.FromMatrix(dense, tileSize);
        Assert.Equal((n + tileSize - 1) / tileSize, tiles.TileCount);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) Assert.Equal(a[i, j], tiles[i, j]);

        var product = new double[n, 3];
        tiles.Multiply(Flat(b.ToArray()), 3, Flat(product), 2);
        MatrixAssert.Close((2 * a * b).ToArray(), product, 1e-13);
        var sums = tiles.AbsoluteRowSums();
        for (int i = 0; i < n; i++) Assert.Equal(a.Row(i).Enumerate().Sum(Math.Abs), sums[i], 1e-13 * sums[i]);
        Assert.Equal(a.Diagonal().Average(), tiles.DiagonalMean(), 1e-15);

        Assert.Equal(0, tiles.Factorize());
        var factor = a.Cholesky().Factor;
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) Assert.Equal(factor[i, j], tiles[i, j], 1e-10 * factor[0, 0]);
        var solved = b.ToArray();
        tiles.Solve(Flat(solved), 3);
        MatrixAssert.Close(a.Cholesky().Solve(b).ToArray(), solved, 1e-10);
        var forward = b.ToArray();
        tiles.ForwardSubstitute(Flat(forward), 3);
        MatrixAssert.Close(factor.Solve(b).ToArray(), forward, 1e-10);
        Assert.Throws<InvalidOperationException>(() => tiles.Multiply(Flat(b.ToArray()), 3, Flat(product)));
    }

    [Fact]
    public void TheFactorizationReportsRisingProgressToOneAndStopsWhenCancelled()
    {
        var (a, _) = Problem(20, 3);
        var reports = new List<double>();
        SymmetricTiles.FromMatrix(a.ToArray(), 4).Factorize(new ActionProgress<double>(reports.Add));
        Assert.Equal(5, reports.Count);   // one report per column of tiles
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(1.0, reports[^1], 1e-15);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => SymmetricTiles.FromMatrix(a.ToArray(), 4).Factorize(cancel: cancelled.Token));
    }

    [Fact]
    public void AFailedFactorizationNamesTheFirstMinorThatIsNotPositiveDefinite()
    {
        // diag(1, …, 1, −1 at index 12, 1, …): leading minors 1…12 are positive, the 13th is not — in the third 5×5 tile.
        var a = new double[20, 20];
        for (int i = 0; i < 20; i++) a[i, i] = i == 12 ? -1 : 1;
        Assert.Equal(13, SymmetricTiles.FromMatrix(a, 5).Factorize());
    }

    [Theory]
    [InlineData(30, 7)]
    [InlineData(1024, 1024)]
    [InlineData(50_000, 1024)]
    public void TheByteCountIsThatOfTheTilesAndAboutHalfTheSquare(int n, int tileSize)
    {
        // Σ_I E_I·(I·T + E_I) entries; within T/N of N²/2.
        long entries = 0;
        for (int i = 0; i * tileSize < n; i++) entries += (long)Math.Min(tileSize, n - i * tileSize) * Math.Min((i + 1L) * tileSize, n);
        Assert.Equal(8 * entries, SymmetricTiles.Bytes(n, tileSize));
        Assert.InRange(SymmetricTiles.Bytes(n, tileSize), 4.0 * n * n, 4.0 * n * (n + tileSize));
    }

    [Fact]
    public void TileRowsMustHaveTheirRowsAndReachTheDiagonal()
    {
        var tiles = new SymmetricTiles(10, 4);
        Assert.Throws<ArgumentException>(() => tiles.SetTileRow(1, new double[4, 7]));   // rows 4–7 need 8 columns
        Assert.Throws<ArgumentException>(() => tiles.SetTileRow(2, new double[4, 10]));  // the last tile row has 2 rows
        tiles.SetTileRow(2, new double[2, 12]);                                             // extra columns are ignored
    }
}
