using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace LinearizationLab;

/// <summary>
/// Dense float64 linear algebra in place on row-major buffers, through the BLAS and LAPACK that libtorch carries (Intel MKL
/// inside <c>libtorch_cpu</c>, its 64-bit-integer Fortran interface): the one door to native linear algebra for the kernels,
/// the GP posteriors and the MSE dynamics (<see cref="SymmetricTiles"/> builds the large factorizations from it). A row-major N×N array is the column-major array of its transpose, so the lower
/// triangle of a row-major symmetric matrix is LAPACK's upper triangle (uplo 'U'), and a row-major product C = A·Bᵀ is the
/// column-major Cᵀ = B·Aᵀ. Nothing is copied: a factorization or a solve overwrites what it is given.
/// </summary>
internal static class Lapack
{
    private const string Library = "libtorch_cpu";

    /// <summary>
    /// In-place Cholesky factorization A = L·Lᵀ of a symmetric positive-definite row-major matrix: reads A's lower triangle,
    /// writes L there and leaves the strict upper triangle as it was (LAPACK dpotrf).
    /// </summary>
    /// <returns>0 on success; k &gt; 0 when the leading minor of order k is not positive definite.</returns>
    public static long Cholesky(double[,] a)
    {
        long n = Square(a, nameof(a));
        if (n == 0) return 0;
        byte uplo = (byte)'U';
        long lda = n;
        Dpotrf(ref uplo, ref n, ref a[0, 0], ref lda, out long info);
        if (info < 0) throw new InvalidOperationException($"dpotrf: argument {-info} is invalid");
        return info;
    }

    /// <summary>
    /// B ← L⁻¹·B (or L⁻ᵀ·B when <paramref name="transpose"/>) for the factor L of <see cref="Cholesky"/> (its lower triangle,
    /// n × n) and a row-major B [n, <paramref name="columns"/>] starting at <paramref name="b"/>, in place (LAPACK dtrsm on the
    /// column-major Bᵀ: Bᵀ·L⁻ᵀ, or Bᵀ·L⁻¹).
    /// </summary>
    public static void SolveLower(double[,] factor, Span<double> b, long columns, bool transpose)
    {
        long n = Square(factor, nameof(factor));
        if (n == 0 || columns == 0) return;
        if (b.Length < n * columns) throw new ArgumentException($"B holds {b.Length} entries, fewer than {n}×{columns}", nameof(b));
        // Row-major B is column-major Bᵀ [C, n]; row-major L is column-major U = Lᵀ: Bᵀ·U⁻¹ = (L⁻¹·B)ᵀ, Bᵀ·U⁻ᵀ = (L⁻ᵀ·B)ᵀ.
        byte side = (byte)'R', uplo = (byte)'U', trans = (byte)(transpose ? 'T' : 'N'), diag = (byte)'N';
        double one = 1;
        long ldb = columns, lda = n;
        Dtrsm(ref side, ref uplo, ref trans, ref diag, ref columns, ref n, ref one, ref factor[0, 0], ref lda,
            ref MemoryMarshal.GetReference(b), ref ldb);
    }

    /// <summary>
    /// B ← B·L⁻ᵀ for the factor L of <see cref="Cholesky"/> (n × n) and a row-major B [<paramref name="rows"/>, n] starting at
    /// <paramref name="b"/>, in place: each row b becomes L⁻¹b (LAPACK dtrsm on the column-major Bᵀ = L⁻¹·Bᵀ).
    /// </summary>
    public static void SolveLowerRows(double[,] factor, Span<double> b, long rows)
    {
        long n = Square(factor, nameof(factor));
        if (n == 0 || rows == 0) return;
        if (b.Length < n * rows) throw new ArgumentException($"B holds {b.Length} entries, fewer than {rows}×{n}", nameof(b));
        byte side = (byte)'L', uplo = (byte)'U', trans = (byte)'T', diag = (byte)'N';
        double one = 1;
        long ld = n;
        Dtrsm(ref side, ref uplo, ref trans, ref diag, ref n, ref rows, ref one, ref factor[0, 0], ref ld,
            ref MemoryMarshal.GetReference(b), ref ld);
    }

    /// <summary>
    /// Row-major C ← α·op(A)·op(B) + β·C (BLAS dgemm), op(X) = X or Xᵀ, with C [m, n] and leading dimensions (row lengths)
    /// <paramref name="lda"/>, <paramref name="ldb"/>, <paramref name="ldc"/>; the spans start at each matrix's first element.
    /// </summary>
    public static void Gemm(bool transposeA, bool transposeB, long m, long n, long k, double alpha,
        ReadOnlySpan<double> a, long lda, ReadOnlySpan<double> b, long ldb, double beta, Span<double> c, long ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (long i = 0; i < m; i++) c.Slice((int)(i * ldc), (int)n).Clear();
            return;
        }
        // Column-major: Cᵀ = op(B)ᵀ·op(A)ᵀ, with B's and A's buffers read as their transposes.
        byte transB = (byte)(transposeB ? 'T' : 'N'), transA = (byte)(transposeA ? 'T' : 'N');
        Dgemm(ref transB, ref transA, ref n, ref m, ref k, ref alpha,
            ref MemoryMarshal.GetReference(b), ref ldb, ref MemoryMarshal.GetReference(a), ref lda,
            ref beta, ref MemoryMarshal.GetReference(c), ref ldc);
    }

    /// <summary>
    /// op(A)·op(B) of two MathNet dense matrices through dgemm. MathNet stores a dense matrix column-major, which is BLAS's
    /// own layout, so the operands are read where they lie and the product is a new dense matrix; the managed product it
    /// replaces runs at about 1 GFLOP/s, which made a 10,000-point NTK-GP prediction take minutes.
    /// </summary>
    public static Matrix<double> Product(Matrix<double> a, Matrix<double> b, bool transposeA = false, bool transposeB = false)
    {
        long m = transposeA ? a.ColumnCount : a.RowCount, k = transposeA ? a.RowCount : a.ColumnCount;
        long kb = transposeB ? b.ColumnCount : b.RowCount, n = transposeB ? b.RowCount : b.ColumnCount;
        if (k != kb) throw new ArgumentException($"op(A) is {m}×{k} but op(B) is {kb}×{n}", nameof(b));
        var c = new DenseMatrix((int)m, (int)n);
        if (m == 0 || n == 0 || k == 0) return c;
        double[] av = ColumnMajor(a), bv = ColumnMajor(b), cv = c.Values;
        byte ta = (byte)(transposeA ? 'T' : 'N'), tb = (byte)(transposeB ? 'T' : 'N');
        long lda = a.RowCount, ldb = b.RowCount, ldc = m;
        double one = 1, zero = 0;
        Dgemm(ref ta, ref tb, ref m, ref n, ref k, ref one, ref av[0], ref lda, ref bv[0], ref ldb, ref zero, ref cv[0], ref ldc);
        return c;
    }

    private static double[] ColumnMajor(Matrix<double> a) => a is DenseMatrix dense ? dense.Values : a.ToColumnMajorArray();

    /// <summary>
    /// In-place symmetric eigendecomposition A = Σ_i λ_i·v_i·v_iᵀ of a row-major matrix read through its lower triangle
    /// (LAPACK dsyevd, divide and conquer; its workspace is about 2N² doubles): λ ascending into <paramref name="values"/>,
    /// and row i of A overwritten by the eigenvector v_i.
    /// </summary>
    public static void SymmetricEigen(double[,] a, double[] values)
    {
        long n = Square(a, nameof(a));
        if (values.Length != n) throw new ArgumentException($"{values.Length} slots for {n} eigenvalues", nameof(values));
        if (n == 0) return;
        byte jobz = (byte)'V', uplo = (byte)'U';
        long lda = n, lwork = -1, liwork = -1;
        double workSize = 0;
        long iworkSize = 0;
        Dsyevd(ref jobz, ref uplo, ref n, ref a[0, 0], ref lda, ref values[0], ref workSize, ref lwork, ref iworkSize, ref liwork, out long info);
        if (info != 0) throw new InvalidOperationException($"dsyevd workspace query failed (info {info})");
        var work = new double[Math.Max(1, (long)workSize)];
        var iwork = new long[Math.Max(1, iworkSize)];
        lwork = work.LongLength;
        liwork = iwork.LongLength;
        Dsyevd(ref jobz, ref uplo, ref n, ref a[0, 0], ref lda, ref values[0], ref work[0], ref lwork, ref iwork[0], ref liwork, out info);
        if (info < 0) throw new InvalidOperationException($"dsyevd: argument {-info} is invalid");
        if (info > 0) throw new ArithmeticException($"dsyevd: the eigenvalue iteration failed to converge ({info} off-diagonal elements)");
    }

    private static long Square(double[,] a, string name)
    {
        ArgumentNullException.ThrowIfNull(a, name);
        if (a.GetLength(0) != a.GetLength(1)) throw new ArgumentException($"the matrix must be square but is {a.GetLength(0)}×{a.GetLength(1)}", name);
        return a.GetLength(0);
    }

    [DllImport(Library, EntryPoint = "dpotrf_64")]
    private static extern void Dpotrf(ref byte uplo, ref long n, ref double a, ref long lda, out long info);

    [DllImport(Library, EntryPoint = "dtrsm_64")]
    private static extern void Dtrsm(ref byte side, ref byte uplo, ref byte transa, ref byte diag, ref long m, ref long n,
        ref double alpha, ref double a, ref long lda, ref double b, ref long ldb);

    [DllImport(Library, EntryPoint = "dgemm_64")]
    private static extern void Dgemm(ref byte transa, ref byte transb, ref long m, ref long n, ref long k, ref double alpha,
        ref double a, ref long lda, ref double b, ref long ldb, ref double beta, ref double c, ref long ldc);

    [DllImport(Library, EntryPoint = "dsyevd_64")]
    private static extern void Dsyevd(ref byte jobz, ref byte uplo, ref long n, ref double a, ref long lda, ref double w,
        ref double work, ref long lwork, ref long iwork, ref long liwork, out long info);
}
