using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// The largest eigenvalue of a symmetric operator A known only through products A·q, by the Lanczos iteration with full
/// reorthogonalization (Golub and Van Loan, Matrix Computations, §10.1): after k steps the orthonormal Krylov basis
/// Q_k = [q_1 … q_k] of span{q_1, A·q_1, …, A^{k−1}·q_1} gives the tridiagonal T_k = Q_kᵀ·A·Q_k (α_j on the diagonal, β_j beside
/// it), whose largest eigenvalue θ (the top Ritz value) increases to λ_max with k. With T_k·s = θ·s, the Ritz vector y = Q_k·s has
/// residual ‖A·y − θ·y‖ = β_k·|s_k|, and some eigenvalue of A lies within that residual of θ. The top Ritz value converges
/// far faster than the power iteration's Rayleigh quotient on the same products (at a rate set by
/// √(gap) rather than the ratio λ_2/λ_1), which matters when every product is a pass through a network.
/// </summary>
internal static class Lanczos
{
    /// <summary>The top Ritz value θ, its residual bound β_k·|s_k| and the number of products k it took.</summary>
    public readonly record struct TopRitz(double Value, double Residual, int Steps);

    /// <summary>
    /// Runs up to <paramref name="maxSteps"/> Lanczos steps from <paramref name="start"/> (normalized here) and returns the top
    /// Ritz value. With <paramref name="relativeResidual"/> &gt; 0 it stops at the first step whose residual bound is at most
    /// that fraction of θ; with 0 it makes all the steps. It also stops when β_k ≤ <paramref name="breakdown"/>: the basis then
    /// spans an invariant subspace and the Ritz values are eigenvalues.
    /// </summary>
    /// <param name="multiply">Writes A·q (second argument) for q (first argument), both of the start vector's length.</param>
    /// <param name="start">q_1 before normalization; it must not be orthogonal to the top eigenvector.</param>
    /// <param name="maxSteps">The most products to make (and at most the dimension).</param>
    /// <param name="breakdown">β_k at or below which the iteration ends.</param>
    /// <param name="relativeResidual">Residual bound, relative to θ, that ends the iteration; 0 for all the steps.</param>
    public static TopRitz TopEigenvalue(Action<double[], double[]> multiply, Vector<double> start, int maxSteps, double breakdown,
        double relativeResidual = 0)
    {
        ArgumentNullException.ThrowIfNull(multiply);
        ArgumentNullException.ThrowIfNull(start);
        int n = start.Count;
        var basis = new List<Vector<double>>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var q = start.Normalize(2);
        var w = Vector<double>.Build.Dense(n);
        TopRitz ritz = default;
        for (int j = 0; j < Math.Min(maxSteps, n); j++)
        {
            basis.Add(q);
            multiply(q.AsArray() ?? q.ToArray(), w.AsArray());
            alpha.Add(q.DotProduct(w));
            for (int pass = 0; pass < 2; pass++)
                foreach (var previous in basis) w.Subtract(previous * previous.DotProduct(w), w);
            double norm = w.L2Norm();
            beta.Add(norm);
            if (norm <= breakdown) break;
            if (relativeResidual > 0)
            {
                ritz = Ritz(alpha, beta);
                if (ritz.Residual <= relativeResidual * Math.Abs(ritz.Value)) return ritz;
            }
            q = w / norm;
        }
        return Ritz(alpha, beta);
    }

    /// <summary>The top eigenpair of T_k and its residual bound β_k·|s_k|.</summary>
    private static TopRitz Ritz(List<double> alpha, List<double> beta)
    {
        int m = alpha.Count;
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) t[i, i + 1] = t[i + 1, i] = beta[i];
        }
        var evd = t.Evd(Symmetricity.Symmetric);
        int top = 0;
        for (int i = 1; i < m; i++) if (evd.EigenValues[i].Real > evd.EigenValues[top].Real) top = i;
        return new(evd.EigenValues[top].Real, beta[m - 1] * Math.Abs(evd.EigenVectors[m - 1, top]), m);
    }
}
