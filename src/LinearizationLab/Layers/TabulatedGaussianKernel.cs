using System.Collections.Concurrent;

namespace LinearizationLab.Layers;

/// <summary>
/// K(ρ) = E[φ(u)φ(v)] and K̇(ρ) = E[φ′(u)φ′(v)] for two inputs of the same variance s, read from a table built once per
/// (φ, s) from an exact transform, instead of one quadrature per kernel entry. After unit_norm every input has the same
/// variance at every layer, so a network needs one table per layer. The table samples θ ∈ [0, π] uniformly with
/// ρ = −cos θ (so it is dense where K has its steepest slopes, near ρ = ±1) and interpolates with the 4-point Lagrange
/// polynomial in θ, whose error is (3/128)·h⁴·max|∂⁴_θ g| for node spacing h. With <see cref="Nodes"/> = 2049 nodes the
/// tests hold it within 1e-7 of K(s,s,s) and K̇(s,s,s) against the exact transform for smooth φ (tanh, erf) at variances
/// 0.01–10. Inputs whose variances differ by more than 1e-9 relative take the exact transform.
/// </summary>
public sealed class TabulatedGaussianKernel
{
    /// <summary>Nodes in θ ∈ [0, π].</summary>
    public const int Nodes = 2049;

    /// <summary>Variances closer than this (relative) count as equal and share one table.</summary>
    public const double VarianceTolerance = 1e-9;

    private readonly Func<double, double, double, (double Nngp, double Derivative)> _exact;
    private readonly ConcurrentDictionary<long, Lazy<Table>> _tables = new();

    /// <summary>A table-backed transform for the exact <paramref name="exact"/> (Σ11, Σ22, Σ12) ↦ (K, K̇).</summary>
    public TabulatedGaussianKernel(Func<double, double, double, (double Nngp, double Derivative)> exact)
    {
        _exact = exact ?? throw new ArgumentNullException(nameof(exact));
    }

    /// <summary>Number of tables built so far (one per distinct variance).</summary>
    public int TableCount => _tables.Count;

    /// <summary>(K, K̇) from the table when Σ11 ≈ Σ22, else from the exact transform.</summary>
    public (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double scale = Math.Max(s11, s22);
        if (!(scale > 0) || Math.Abs(s11 - s22) > VarianceTolerance * scale) return _exact(s11, s22, s12);
        long key = Quantize(0.5 * (s11 + s22));
        var table = _tables.GetOrAdd(key, k => new Lazy<Table>(() => new Table(BitConverter.Int64BitsToDouble(k), _exact))).Value;
        return table.At(Math.Clamp(s12 / Math.Sqrt(s11 * s22), -1, 1));
    }

    /// <summary>The variance's bits with the low 20 mantissa bits cleared (2.4e−10 relative), so nearly equal variances share a table.</summary>
    private static long Quantize(double variance) => BitConverter.DoubleToInt64Bits(variance) & ~((1L << 20) - 1);

    /// <summary>K and K̇ at ρ_i = −cos(θ_i), θ_i = iπ/(Nodes − 1).</summary>
    private sealed class Table
    {
        private readonly double[] _k = new double[Nodes];
        private readonly double[] _kDot = new double[Nodes];
        private const double Step = Math.PI / (Nodes - 1);

        public Table(double variance, Func<double, double, double, (double, double)> exact)
        {
            Parallel.For(0, Nodes, i =>
            {
                double rho = i == 0 ? -1 : i == Nodes - 1 ? 1 : -Math.Cos(i * Step);
                (_k[i], _kDot[i]) = exact(variance, variance, rho * variance);
            });
        }

        public (double, double) At(double rho)
        {
            double x = Math.Acos(-rho) / Step;
            int i = Math.Clamp((int)Math.Floor(x) - 1, 0, Nodes - 4);
            double t = x - i;   // position within nodes i … i+3, in node units
            double w0 = -(t - 1) * (t - 2) * (t - 3) / 6, w1 = t * (t - 2) * (t - 3) / 2;
            double w2 = -t * (t - 1) * (t - 3) / 2, w3 = t * (t - 1) * (t - 2) / 6;
            return (w0 * _k[i] + w1 * _k[i + 1] + w2 * _k[i + 2] + w3 * _k[i + 3],
                    w0 * _kDot[i] + w1 * _kDot[i + 1] + w2 * _kDot[i + 2] + w3 * _kDot[i + 3]);
        }
    }
}
