using System.Numerics;
using System.Runtime.InteropServices;

namespace LinearizationLab.Analytic;

/// <summary>Blocks of the scaled Gram matrix X1·X2ᵀ/d with SIMD dot products (2×2 register tiles).</summary>
internal static class GramMatrix
{
    /// <summary>
    /// Writes x1[i]·x2[j]·scale into dest[i − rowStart][j] for rows [rowStart, rowEnd) and columns [columnStart, n2);
    /// rows of x1 and x2 are <paramref name="d"/> long, dest rows <paramref name="destStride"/> long.
    /// </summary>
    public static void Fill(ReadOnlySpan<double> x1, int rowStart, int rowEnd, ReadOnlySpan<double> x2, int columnStart, int n2,
        int d, double scale, Span<double> dest, int destStride)
    {
        int i = rowStart;
        for (; i + 1 < rowEnd; i += 2)
        {
            var a0 = x1.Slice(i * d, d);
            var a1 = x1.Slice((i + 1) * d, d);
            var row0 = dest.Slice((i - rowStart) * destStride, destStride);
            var row1 = dest.Slice((i + 1 - rowStart) * destStride, destStride);
            int j = columnStart;
            for (; j + 1 < n2; j += 2)
            {
                Dot2x2(a0, a1, x2.Slice(j * d, d), x2.Slice((j + 1) * d, d), out double d00, out double d01, out double d10, out double d11);
                row0[j] = d00 * scale;
                row0[j + 1] = d01 * scale;
                row1[j] = d10 * scale;
                row1[j + 1] = d11 * scale;
            }

            if (j < n2)
            {
                row0[j] = Dot(a0, x2.Slice(j * d, d)) * scale;
                row1[j] = Dot(a1, x2.Slice(j * d, d)) * scale;
            }
        }

        if (i < rowEnd)
        {
            var a = x1.Slice(i * d, d);
            var row = dest.Slice((i - rowStart) * destStride, destStride);
            for (int j = columnStart; j < n2; j++) row[j] = Dot(a, x2.Slice(j * d, d)) * scale;
        }
    }

    /// <summary>a·b.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var sum = Vector<double>.Zero;
        for (int v = 0; v < va.Length; v++) sum = Vector.FusedMultiplyAdd(va[v], vb[v], sum);
        double total = Vector.Sum(sum);
        for (int e = va.Length * Vector<double>.Count; e < a.Length; e++) total += a[e] * b[e];
        return total;
    }

    private static void Dot2x2(ReadOnlySpan<double> a0, ReadOnlySpan<double> a1, ReadOnlySpan<double> b0, ReadOnlySpan<double> b1,
        out double d00, out double d01, out double d10, out double d11)
    {
        var va0 = MemoryMarshal.Cast<double, Vector<double>>(a0);
        var va1 = MemoryMarshal.Cast<double, Vector<double>>(a1);
        var vb0 = MemoryMarshal.Cast<double, Vector<double>>(b0);
        var vb1 = MemoryMarshal.Cast<double, Vector<double>>(b1);
        Vector<double> s00 = default, s01 = default, s10 = default, s11 = default;
        for (int v = 0; v < va0.Length; v++)
        {
            var x0 = va0[v];
            var x1 = va1[v];
            var y0 = vb0[v];
            var y1 = vb1[v];
            s00 = Vector.FusedMultiplyAdd(x0, y0, s00);
            s01 = Vector.FusedMultiplyAdd(x0, y1, s01);
            s10 = Vector.FusedMultiplyAdd(x1, y0, s10);
            s11 = Vector.FusedMultiplyAdd(x1, y1, s11);
        }

        d00 = Vector.Sum(s00);
        d01 = Vector.Sum(s01);
        d10 = Vector.Sum(s10);
        d11 = Vector.Sum(s11);
        for (int e = va0.Length * Vector<double>.Count; e < a0.Length; e++)
        {
            d00 += a0[e] * b0[e];
            d01 += a0[e] * b1[e];
            d10 += a1[e] * b0[e];
            d11 += a1[e] * b1[e];
        }
    }
}
