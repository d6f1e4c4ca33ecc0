using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// h(Θ)·B for a symmetric positive semi-definite Θ [N, N], a block B [N, C] and a function h smooth on [0, λ̄], without an
/// eigendecomposition and without a copy of Θ: h is expanded in Chebyshev polynomials on an enclosure [0, λ̄] of the spectrum
/// (λ̄ from a short Lanczos run, <see cref="SpectralBound"/>),
/// <code>
///   h(λ) ≈ Σ_{k=0}^{K} c_k·T_k(2λ/λ̄ − 1),   c_k = (2 − δ_k0)/M · Σ_{j&lt;M} h(λ_j)·cos(πk(j + ½)/M)
/// </code>
/// with λ_j the M Chebyshev nodes mapped to [0, λ̄], and applied by Clenshaw's recurrence
/// b_k = c_k·B + 2A·b_(k+1) − b_(k+2), h(Θ)·B ≈ c_0·B + A·b_1 − b_2 with A = 2Θ/λ̄ − I: one product Θ·b (a dgemm) per degree
/// and four N×C blocks of memory. M doubles until the coefficients from K on are below 10⁻¹⁴·max|h| (or the round-off 2u√M
/// of the node sums, if larger) with K ≤ M/2, so the truncation error is near round-off relative to max|h| on [0, λ̄]
/// (Trefethen, Approximation Theory and Approximation Practice, ch. 3–4). A polynomial h of degree d is reproduced exactly
/// with K ≤ d. The coefficients come from one FFT of length 2M (a DCT-II).
/// </summary>
public static class ChebyshevMatrixFunction
{
    /// <summary>Coefficients below this fraction of max|h| on the nodes are dropped (or below the node sum's round-off, if larger).</summary>
    public const double Tolerance = 1e-14;

    private const double RoundOff = 1.1102230246251565e-16;   // 2⁻⁵³, the unit round-off of float64

    /// <summary>
    /// h(Θ)·<paramref name="block"/>; <paramref name="degree"/> receives K, the number of products with Θ that were made.
    /// </summary>
    /// <param name="matrix">Θ, N × N, symmetric positive semi-definite (not changed).</param>
    /// <param name="block">B, N × C.</param>
    /// <param name="h">The function, evaluated at points of [0, λ̄].</param>
    /// <param name="maxDegree">The largest K allowed.</param>
    /// <param name="degree">K, the degree used.</param>
    /// <exception cref="ArgumentException">Shapes disagree, or h needs a degree above <paramref name="maxDegree"/> (the message
    /// gives the degree it had reached).</exception>
    public static double[,] Apply(SymmetricTiles matrix, double[,] block, Func<double, double> h, int maxDegree, out int degree)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(h);
        int n = matrix.Size, c = block.GetLength(1);
        if (block.GetLength(0) != n) throw new ArgumentException($"the block has {block.GetLength(0)} rows but the matrix is {n}×{n}", nameof(block));
        var result = new double[n, c];
        degree = 0;
        if (n == 0 || c == 0) return result;
        double bound = SpectralBound(matrix);
        var b = Flat(block);
        if (bound == 0)
        {
            double h0 = h(0);
            var r = Flat(result);
            for (int i = 0; i < r.Length; i++) r[i] = h0 * b[i];
            return result;
        }

        var coefficients = Coefficients(h, bound, maxDegree);
        degree = coefficients.Length - 1;
        // Clenshaw: next ← c_k·B + 2A·b1 − b2 = (4/λ̄)·Θ·b1 − 2·b1 − b2 + c_k·B.
        var b1 = new double[n * c];
        var b2 = new double[n * c];
        var next = new double[n * c];
        for (int k = degree; k >= 1; k--)
        {
            matrix.Multiply(b1, c, next, 4 / bound);
            double ck = coefficients[k];
            for (int i = 0; i < next.Length; i++) next[i] += ck * b[i] - 2 * b1[i] - b2[i];
            (b2, b1, next) = (b1, next, b2);
        }

        var output = Flat(result);
        matrix.Multiply(b1, c, output, 2 / bound);
        for (int i = 0; i < output.Length; i++) output[i] += coefficients[0] * b[i] - b1[i] - b2[i];
        return result;
    }

    /// <summary>Lanczos steps of <see cref="SpectralBound"/>.</summary>
    public const int LanczosSteps = 40;

    /// <summary>
    /// λ̄ ≥ λ_max(Θ): the largest Ritz value θ of <see cref="LanczosSteps"/> Lanczos steps (full reorthogonalization, a fixed
    /// start vector) plus its residual bound β_m·|s_m| — an eigenvalue lies within it of θ — and 10⁻⁸·θ of slack, capped by
    /// Gershgorin's max_i Σ_j |Θ_ij|. A tight enclosure matters for gradient descent, whose gain (1 − (1 − ηλ/N)^k)/λ grows
    /// like |1 − ηλ/N|^k beyond the spectrum.
    /// </summary>
    public static double SpectralBound(SymmetricTiles matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.Size;
        if (n == 0) return 0;
        double gershgorin = matrix.AbsoluteRowSums().Max();
        if (gershgorin == 0) return 0;

        var random = new Random(20181);
        var start = Vector<double>.Build.Dense(n, _ => 1 + random.NextDouble());
        var (theta, residual, _) = Lanczos.TopEigenvalue((q, w) => matrix.Multiply(q, 1, w), start, LanczosSteps, 1e-14 * gershgorin);
        return Math.Min(gershgorin, theta + residual + 1e-8 * Math.Abs(theta));
    }

    /// <summary>c_0 (halved), c_1, …, c_K of h on [0, <paramref name="bound"/>], K the smallest degree that meets the tolerance.</summary>
    internal static double[] Coefficients(Func<double, double> h, double bound, int maxDegree)
    {
        for (int m = 32; ; m *= 2)
        {
            var values = new double[m];
            for (int j = 0; j < m; j++) values[j] = h(0.5 * bound * (1 + Math.Cos(Math.PI * (j + 0.5) / m)));
            if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("h is not finite on the spectrum's enclosure", nameof(h));
            var coefficients = ChebyshevTransform(values);
            // Below max|h|·max(Tolerance, 2ε√M) a coefficient is indistinguishable from the round-off of the node sum.
            double floor = values.Max(Math.Abs) * Math.Max(Tolerance, 2 * RoundOff * Math.Sqrt(m));
            int degree = m - 1;
            while (degree > 0 && Math.Abs(coefficients[degree]) <= floor) degree--;
            if (degree <= Math.Min(m / 2, maxDegree)) return coefficients[..(degree + 1)];
            if (Math.Min(degree, m / 2) > maxDegree)
                throw new ArgumentException($"h needs a Chebyshev degree above {maxDegree} on [0, {bound:G4}] (reached {degree} with {m} nodes)", nameof(maxDegree));
        }
    }

    /// <summary>
    /// c_k = (2 − δ_k0)/M · Σ_j v_j·cos(πk(2j + 1)/(2M)), k &lt; M (with c_0 halved), from the values at the M first-kind nodes:
    /// a DCT-II by one complex FFT of the even extension y = (v_0 … v_(M−1), v_(M−1) … v_0), whose k-th term is
    /// 2·e^{iπk/(2M)}·Σ_j v_j·cos(πk(2j + 1)/(2M)).
    /// </summary>
    private static double[] ChebyshevTransform(double[] values)
    {
        int m = values.Length;
        var y = new System.Numerics.Complex[2 * m];
        for (int j = 0; j < m; j++) y[j] = y[2 * m - 1 - j] = values[j];
        MathNet.Numerics.IntegralTransforms.Fourier.Forward(y, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
        var coefficients = new double[m];
        for (int k = 0; k < m; k++)
        {
            double sum = (System.Numerics.Complex.FromPolarCoordinates(1, -Math.PI * k / (2.0 * m)) * y[k]).Real / 2;
            coefficients[k] = sum * (k == 0 ? 1.0 : 2.0) / m;
        }
        return coefficients;
    }

    private static Span<double> Flat(double[,] a) => MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);
}
