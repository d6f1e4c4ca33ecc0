using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests;

/// <summary>
/// Facts about the native linear algebra (<see cref="Lapack"/>): each routine on row-major arrays against MathNet's managed
/// implementation of the same operation, on random matrices, to 1e-10 relative (float64 round-off times κ ≲ 1e4 here).
/// </summary>
public class LapackTests
{
    private static Matrix<double> Gaussian(int rows, int columns, Random random) =>
        Matrix<double>.Build.Dense(rows, columns, (_, _) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static Matrix<double> Spd(int n, Random random)
    {
        var a = Gaussian(n, n, random);
        return a * a.Transpose() / n + Matrix<double>.Build.DenseIdentity(n) * 1e-2;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(130)]
    public void CholeskyWritesTheManagedFactorIntoTheLowerTriangleAndKeepsTheUpper(int n)
    {
        var random = new Random(n);
        var k = Spd(n, random);
        var a = k.ToArray();
        Assert.Equal(0, Lapack.Cholesky(a));
        var factor = k.Cholesky().Factor;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++) Assert.Equal(factor[i, j], a[i, j], 1e-10 * factor[0, 0]);
            for (int j = i + 1; j < n; j++) Assert.Equal(k[i, j], a[i, j]);   // untouched, bit for bit
        }
    }

    [Fact]
    public void CholeskyReportsTheFirstMinorThatIsNotPositiveDefinite()
    {
        // diag(1, 1, −1): the third leading minor is the first that fails.
        var a = new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, -1 } };
        Assert.Equal(3, Lapack.Cholesky(a));
    }

    [Theory]
    [InlineData(9, 1)]
    [InlineData(120, 4)]
    public void TheTriangularSolvesAgreeWithTheManagedOnes(int n, int columns)
    {
        // L⁻¹B, L⁻ᵀB and the rows' L⁻¹bᵢ (B·L⁻ᵀ) against MathNet's triangular solves with the same factor.
        var random = new Random(n + columns);
        var k = Spd(n, random);
        var b = Gaussian(n, columns, random);
        var factor = k.ToArray();
        Lapack.Cholesky(factor);
        var l = k.Cholesky().Factor;
        var forward = b.ToArray();
        Lapack.SolveLower(factor, Flat(forward), columns, transpose: false);
        MatrixAssert.Close(l.Solve(b).ToArray(), forward, 1e-10);
        var backward = b.ToArray();
        Lapack.SolveLower(factor, Flat(backward), columns, transpose: true);
        MatrixAssert.Close(l.Transpose().Solve(b).ToArray(), backward, 1e-10);

        var rows = Gaussian(5, n, random);
        var vt = rows.ToArray();
        Lapack.SolveLowerRows(factor, Flat(vt), 5);
        MatrixAssert.Close(l.Solve(rows.Transpose()).Transpose().ToArray(), vt, 1e-10);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GemmComputesRowMajorProductsWithEitherTranspose(bool transposeA, bool transposeB)
    {
        // C = 0.5·op(A)·op(B) + 2·C on [4, 3] outputs with inner dimension 6.
        var random = new Random(17);
        var a = transposeA ? Gaussian(6, 4, random) : Gaussian(4, 6, random);
        var b = transposeB ? Gaussian(3, 6, random) : Gaussian(6, 3, random);
        var c = Gaussian(4, 3, random);
        var expected = 0.5 * (transposeA ? a.Transpose() : a) * (transposeB ? b.Transpose() : b) + 2 * c;
        var result = c.ToArray();
        Lapack.Gemm(transposeA, transposeB, 4, 3, 6, 0.5, Flat(a.ToArray()), a.ColumnCount, Flat(b.ToArray()), b.ColumnCount, 2,
            Flat(result), 3);
        MatrixAssert.Close(expected.ToArray(), result, 1e-14);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(90)]
    public void TheSymmetricEigendecompositionReconstructsTheMatrix(int n)
    {
        // Σ_i λ_i v_i v_iᵀ = A, eigenvalues ascending and equal to MathNet's, eigenvectors orthonormal.
        var random = new Random(n);
        var k = Spd(n, random);
        var vectors = k.ToArray();
        var values = new double[n];
        Lapack.SymmetricEigen(vectors, values);
        var v = Matrix<double>.Build.DenseOfArray(vectors);     // rows are eigenvectors
        MatrixAssert.Close(k.ToArray(), (v.Transpose() * Matrix<double>.Build.DenseOfDiagonalArray(values) * v).ToArray(), 1e-12);
        MatrixAssert.Close(Matrix<double>.Build.DenseIdentity(n).ToArray(), (v * v.Transpose()).ToArray(), 1e-12);
        var reference = k.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).Order().ToArray();
        for (int i = 0; i < n; i++) Assert.Equal(reference[i], values[i], 1e-12 * reference[^1]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void TheProductOfMathNetMatricesEqualsTheManagedOne(bool transposeA, bool transposeB)
    {
        // op(A) 37×23, op(B) 23×11: every transpose combination reads MathNet's column-major storage in place.
        var random = new Random(transposeA ? 3 : 5);
        var a = Gaussian(transposeA ? 23 : 37, transposeA ? 37 : 23, random);
        var b = Gaussian(transposeB ? 11 : 23, transposeB ? 23 : 11, random);
        var expected = (transposeA ? a.Transpose() : a) * (transposeB ? b.Transpose() : b);
        var product = Lapack.Product(a, b, transposeA, transposeB);
        Assert.Equal((37, 11), (product.RowCount, product.ColumnCount));
        MatrixAssert.Close(expected.ToArray(), product.ToArray(), 1e-12);
    }

    [Fact]
    public void AProductWhoseInnerDimensionsDisagreeIsRefused()
    {
        var random = new Random(1);
        Assert.Throws<ArgumentException>(() => Lapack.Product(Gaussian(3, 4, random), Gaussian(5, 2, random)));
    }

    private static Span<double> Flat(double[,] a) => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);
}
