using System.Runtime.InteropServices;

namespace LinearizationLab;

/// <summary>
/// A symmetric N×N float64 matrix held as its lower triangle in square tiles of T×T — tile (I, J), J ≤ I, covers rows
/// [I·T, I·T + T) and columns [J·T, J·T + T) — so a kernel takes N(N + T)/2 entries instead of N² (10 GB instead of 20 GB
/// at N = 50,000) and no single array exceeds T² entries. It is filled one row of tiles at a time (<see cref="SetTileRow"/>,
/// the rows an independent block of kernel computation gives), multiplied by blocks of vectors (<see cref="Multiply"/>),
/// and factorized in place by the tiled right-looking Cholesky algorithm (Buttari et al. 2009):
/// <code>
///   for k:  L_kk = chol(A_kk);   A_ik ← A_ik·L_kk⁻ᵀ (i &gt; k);   A_ij ← A_ij − A_ik·A_jkᵀ (k &lt; j ≤ i)
/// </code>
/// every step a LAPACK or BLAS call on one or two tiles (<see cref="Lapack"/>), after which <see cref="Solve"/> and
/// <see cref="ForwardSubstitute"/> apply (L·Lᵀ)⁻¹ and L⁻¹ by block substitution.
/// </summary>
public sealed class SymmetricTiles
{
    /// <summary>The tile side T used unless another is asked for: 1024 (8 MB tiles, large enough for full-speed dgemm).</summary>
    public const int DefaultTileSize = 1024;

    private readonly double[][,] _tiles;   // (I, J), J ≤ I, at I(I + 1)/2 + J

    /// <summary>An N×N matrix of zeros in tiles of <paramref name="tileSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 0 or T &lt; 1.</exception>
    public SymmetricTiles(int size, int tileSize = DefaultTileSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        Size = size;
        TileSize = tileSize;
        TileCount = (size + tileSize - 1) / tileSize;
        _tiles = new double[TileCount * (TileCount + 1) / 2][,];
        for (int i = 0; i < TileCount; i++)
            for (int j = 0; j <= i; j++) _tiles[Index(i, j)] = new double[Extent(i), Extent(j)];
    }

    /// <summary>N.</summary>
    public int Size { get; }

    /// <summary>T, the side of a tile (the last row and column of tiles may be narrower).</summary>
    public int TileSize { get; }

    /// <summary>Tiles per side, ⌈N/T⌉.</summary>
    public int TileCount { get; }

    /// <summary>True once <see cref="Factorize"/> has overwritten the matrix with its Cholesky factor.</summary>
    public bool IsFactorized { get; private set; }

    /// <summary>The bytes the tiles of an N×N matrix in tiles of T hold: 8·Σ_I E_I·(I·T + E_I) ≈ 8·N·(N + T)/2.</summary>
    public static long Bytes(int size, int tileSize = DefaultTileSize)
    {
        long entries = 0;
        for (long start = 0; start < size; start += tileSize) entries += Math.Min(tileSize, size - start) * Math.Min(start + tileSize, size);
        return 8 * entries;
    }

    /// <summary>The number of rows (or columns) of tile row (or column) <paramref name="tile"/>.</summary>
    public int Extent(int tile) => Math.Min(TileSize, Size - tile * TileSize);

    /// <summary>A copy of the symmetric matrix read through its lower triangle.</summary>
    public static SymmetricTiles FromMatrix(double[,] matrix, int tileSize = DefaultTileSize)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(1) != matrix.GetLength(0))
            throw new ArgumentException($"the matrix must be square but is {matrix.GetLength(0)}×{matrix.GetLength(1)}", nameof(matrix));
        return FromLeadingBlock(matrix, matrix.GetLength(0), tileSize);
    }

    /// <summary>A copy of the leading <paramref name="size"/> × <paramref name="size"/> block of a matrix, read through its lower triangle.</summary>
    public static SymmetricTiles FromLeadingBlock(double[,] matrix, int size, int tileSize = DefaultTileSize)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = size;
        if (n < 0 || matrix.GetLength(0) < n || matrix.GetLength(1) < n)
            throw new ArgumentException($"a {matrix.GetLength(0)}×{matrix.GetLength(1)} matrix has no leading {n}×{n} block", nameof(size));
        var tiles = new SymmetricTiles(n, tileSize);
        for (int i = 0; i < tiles.TileCount; i++)
        {
            int start = i * tileSize, rows = tiles.Extent(i), end = start + rows;
            var block = new double[rows, end];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < end; c++) block[r, c] = matrix[start + r, c];
            tiles.SetTileRow(i, block);
        }
        return tiles;
    }

    /// <summary>
    /// Writes tile row <paramref name="tile"/>: entries (I·T + r, c) for c below the end of the diagonal tile, read from
    /// <paramref name="rows"/>[r, c] (an array with <see cref="Extent"/>(I) rows and at least that many columns; further
    /// columns are ignored). The diagonal tile is made symmetric from its lower triangle.
    /// </summary>
    /// <exception cref="ArgumentException">The rows have the wrong shape, or the matrix is already factorized.</exception>
    public void SetTileRow(int tile, double[,] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (IsFactorized) throw new InvalidOperationException("the matrix has been overwritten by its Cholesky factor");
        int height = Extent(tile), end = tile * TileSize + height;
        if (rows.GetLength(0) != height || rows.GetLength(1) < end)
            throw new ArgumentException($"tile row {tile} needs {height} rows of at least {end} columns, not {rows.GetLength(0)}×{rows.GetLength(1)}", nameof(rows));
        Parallel.For(0, tile + 1, j =>
        {
            var target = _tiles[Index(tile, j)];
            int width = Extent(j), offset = j * TileSize;
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++) target[r, c] = j == tile && c > r ? rows[c, offset + r] : rows[r, offset + c];
        });
    }

    /// <summary>Entry (i, j) of the symmetric matrix, read through the lower triangle: (max(i, j), min(i, j)); once factorized, that entry of L.</summary>
    public double this[int i, int j]
    {
        get
        {
            if (j > i) (i, j) = (j, i);
            return _tiles[Index(i / TileSize, j / TileSize)][i % TileSize, j % TileSize];
        }
    }

    /// <summary>Adds <paramref name="value"/> to every diagonal entry (a regularizer σ²I).</summary>
    public void AddToDiagonal(double value)
    {
        NotFactorized();
        for (int t = 0; t < TileCount; t++)
        {
            var tile = _tiles[Index(t, t)];
            for (int r = 0; r < Extent(t); r++) tile[r, r] += value;
        }
    }

    /// <summary>The mean of the diagonal entries (0 for N = 0).</summary>
    public double DiagonalMean()
    {
        double sum = 0;
        for (int t = 0; t < TileCount; t++)
        {
            var tile = _tiles[Index(t, t)];
            for (int r = 0; r < Extent(t); r++) sum += tile[r, r];
        }
        return Size == 0 ? 0 : sum / Size;
    }

    /// <summary>Σ_j |A_ij| for every row i (Gershgorin's radii plus the diagonal).</summary>
    public double[] AbsoluteRowSums()
    {
        NotFactorized();
        var sums = new double[Size];
        for (int i = 0; i < TileCount; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                var tile = _tiles[Index(i, j)];
                for (int r = 0; r < tile.GetLength(0); r++)
                {
                    for (int c = 0; c < tile.GetLength(1); c++)
                    {
                        double value = Math.Abs(tile[r, c]);
                        sums[i * TileSize + r] += value;
                        if (j < i) sums[j * TileSize + c] += value;   // the mirrored entry above the diagonal
                    }
                }
            }
        }
        return sums;
    }

    /// <summary>
    /// result ← α·A·B for a row-major block B [N, C] (C = <paramref name="columns"/>), one dgemm per tile and its mirror.
    /// </summary>
    public void Multiply(ReadOnlySpan<double> b, int columns, Span<double> result, double alpha = 1)
    {
        NotFactorized();
        long length = (long)Size * columns;
        if (b.Length != length || result.Length != length) throw new ArgumentException($"B and the result must hold {Size}×{columns} entries");
        result.Clear();
        for (int i = 0; i < TileCount; i++)
        {
            int rowsI = Extent(i);
            var resultI = result.Slice(i * TileSize * columns, rowsI * columns);
            for (int j = 0; j <= i; j++)
            {
                var tile = Flat(_tiles[Index(i, j)]);
                int rowsJ = Extent(j);
                Lapack.Gemm(false, false, rowsI, columns, rowsJ, alpha, tile, rowsJ, b.Slice(j * TileSize * columns, rowsJ * columns), columns,
                    1, resultI, columns);
                if (j < i)
                {
                    Lapack.Gemm(true, false, rowsJ, columns, rowsI, alpha, tile, rowsJ, b.Slice(i * TileSize * columns, rowsI * columns), columns,
                        1, result.Slice(j * TileSize * columns, rowsJ * columns), columns);
                }
            }
        }
    }

    /// <summary>
    /// Overwrites the matrix with its Cholesky factor L (A = L·Lᵀ) by the tiled algorithm of the class summary.
    /// </summary>
    /// <param name="progress">Receives the fraction of the work done after each column of tiles (the trailing update of
    /// column k costs ∝ (⌈N/T⌉ − k)²).</param>
    /// <param name="cancel">Checked between columns of tiles.</param>
    /// <returns>0 on success; k ≥ 1 when the leading minor of order k is not positive definite (the matrix is then partly
    /// overwritten).</returns>
    public long Factorize(IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        NotFactorized();
        IsFactorized = true;
        double total = 0, done = 0;
        for (int k = 0; k < TileCount; k++) total += (double)(TileCount - k) * (TileCount - k);
        for (int k = 0; k < TileCount; k++)
        {
            cancel.ThrowIfCancellationRequested();
            var diagonal = _tiles[Index(k, k)];
            long info = Lapack.Cholesky(diagonal);
            if (info != 0) return (long)k * TileSize + info;
            int width = Extent(k);
            for (int i = k + 1; i < TileCount; i++) Lapack.SolveLowerRows(diagonal, Flat(_tiles[Index(i, k)]), Extent(i));
            for (int j = k + 1; j < TileCount; j++)
            {
                var right = Flat(_tiles[Index(j, k)]);
                for (int i = j; i < TileCount; i++)
                {
                    Lapack.Gemm(false, true, Extent(i), Extent(j), width, -1, Flat(_tiles[Index(i, k)]), width, right, width,
                        1, Flat(_tiles[Index(i, j)]), Extent(j));
                }
            }
            done += (double)(TileCount - k) * (TileCount - k);
            progress?.Report(done / total);
        }
        return 0;
    }

    /// <summary>B ← L⁻¹·B for a row-major block B [N, C] (forward substitution by tiles), after <see cref="Factorize"/>.</summary>
    public void ForwardSubstitute(Span<double> b, int columns)
    {
        Factorized(b, columns);
        for (int i = 0; i < TileCount; i++)
        {
            var bi = b.Slice(i * TileSize * columns, Extent(i) * columns);
            for (int j = 0; j < i; j++)
            {
                Lapack.Gemm(false, false, Extent(i), columns, Extent(j), -1, Flat(_tiles[Index(i, j)]), Extent(j),
                    b.Slice(j * TileSize * columns, Extent(j) * columns), columns, 1, bi, columns);
            }
            Lapack.SolveLower(_tiles[Index(i, i)], bi, columns, transpose: false);
        }
    }

    /// <summary>B ← (L·Lᵀ)⁻¹·B = A⁻¹·B for a row-major block B [N, C], after <see cref="Factorize"/>.</summary>
    public void Solve(Span<double> b, int columns)
    {
        ForwardSubstitute(b, columns);
        for (int i = TileCount - 1; i >= 0; i--)
        {
            var bi = b.Slice(i * TileSize * columns, Extent(i) * columns);
            for (int j = i + 1; j < TileCount; j++)
            {
                Lapack.Gemm(true, false, Extent(i), columns, Extent(j), -1, Flat(_tiles[Index(j, i)]), Extent(i),
                    b.Slice(j * TileSize * columns, Extent(j) * columns), columns, 1, bi, columns);
            }
            Lapack.SolveLower(_tiles[Index(i, i)], bi, columns, transpose: true);
        }
    }

    private static int Index(int i, int j) => i * (i + 1) / 2 + j;

    private static Span<double> Flat(double[,] a) => a.Length == 0 ? [] : MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);

    private void NotFactorized()
    {
        if (IsFactorized) throw new InvalidOperationException("the matrix has been overwritten by its Cholesky factor");
    }

    private void Factorized(Span<double> b, int columns)
    {
        if (!IsFactorized) throw new InvalidOperationException("factorize the matrix first");
        if (b.Length != (long)Size * columns) throw new ArgumentException($"B must hold {Size}×{columns} entries", nameof(b));
    }
}
