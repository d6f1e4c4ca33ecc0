using System.Runtime.InteropServices;

namespace LinearizationLab.Inference;

/// <summary>
/// Exact Bayesian inference with the NNGP prior (Lee et al. 2018; Rasmussen &amp; Williams 2006, eqs. 2.25–2.26):
/// mean K(x*,X)(K(X,X) + σ²I)⁻¹Y and covariance K(x*,x*) − K(x*,X)(K(X,X) + σ²I)⁻¹K(X,x*), from one Cholesky
/// factorization K + σ²I = LLᵀ. Works for any positive-definite kernel (also the NTK, giving kernel regression). K is
/// held in lower-triangular tiles (<see cref="SymmetricTiles"/>) and factorized in place by LAPACK (MKL inside libtorch,
/// float64), so the only N×N matrix is L, in half the memory of a square array; kernels are read through their lower
/// triangle (they are symmetric up to round-off).
/// </summary>
public sealed class NngpPosterior
{
    private readonly SymmetricTiles _cholesky;   // L
    private readonly double[,] _weights;         // (K + σ²I)⁻¹Y, N × O

    /// <summary>Factorizes a copy of K(X,X) + σ²I; <paramref name="trainKernel"/> is left as it was.</summary>
    /// <param name="trainKernel">K(X,X), N × N, symmetric.</param>
    /// <param name="targets">Y, N × O.</param>
    /// <param name="noiseVariance">σ² added to the diagonal (observation noise or regularizer), ≥ 0; 0 interpolates the targets.</param>
    /// <exception cref="ArgumentException">Shapes disagree, σ² &lt; 0, or K + σ²I is not positive definite
    /// (the message suggests a diagonal jitter to pass as <paramref name="noiseVariance"/>).</exception>
    public NngpPosterior(double[,] trainKernel, double[,] targets, double noiseVariance = 0)
        : this(SymmetricTiles.FromMatrix(trainKernel ?? throw new ArgumentNullException(nameof(trainKernel))), targets, noiseVariance)
    {
    }

    /// <summary>
    /// Factorizes K(X,X) + σ²I in place: <paramref name="trainKernel"/> gets σ² on its diagonal and is overwritten by L, also
    /// when the factorization fails. For kernels too large to copy.
    /// </summary>
    /// <param name="trainKernel">K(X,X) in tiles, N × N; overwritten.</param>
    /// <param name="targets">Y, N × O.</param>
    /// <param name="noiseVariance">σ² added to the diagonal, ≥ 0.</param>
    /// <param name="progress">Receives the fraction of the factorization done.</param>
    /// <param name="cancel">Checked between columns of tiles.</param>
    /// <exception cref="ArgumentException">Shapes disagree, σ² &lt; 0, or K + σ²I is not positive definite (the message
    /// suggests a jitter).</exception>
    public NngpPosterior(SymmetricTiles trainKernel, double[,] targets, double noiseVariance = 0, IProgress<double>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(trainKernel);
        ArgumentNullException.ThrowIfNull(targets);
        int n = trainKernel.Size;
        if (targets.GetLength(0) != n) throw new ArgumentException($"targets have {targets.GetLength(0)} rows but the kernel has {n}", nameof(targets));
        if (!(noiseVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "must be ≥ 0");
        double meanDiagonal = trainKernel.DiagonalMean();
        trainKernel.AddToDiagonal(noiseVariance);
        if (trainKernel.Factorize(progress, cancel) != 0)
            throw new ArgumentException(
                $"K(X,X) + σ²I is not positive definite at σ² = {noiseVariance:G3}; pass a diagonal jitter of about " +
                $"{Math.Max(1e-10 * meanDiagonal, 1e-300):G3} (1e-10 × mean diagonal) or larger as the noise variance", nameof(trainKernel));
        _cholesky = trainKernel;
        _weights = (double[,])targets.Clone();
        _cholesky.Solve(Flat(_weights), _weights.GetLength(1));
        TrainingCount = n;
        NoiseVariance = noiseVariance;
    }

    /// <summary>Number of training examples N.</summary>
    public int TrainingCount { get; }

    /// <summary>The diagonal regularizer σ².</summary>
    public double NoiseVariance { get; }

    /// <summary>The representer weights (K + σ²I)⁻¹Y, N × O: the mean at x* is K(x*,X) times them (<see cref="Predict"/>).</summary>
    public double[,] Weights => _weights;

    /// <summary>Posterior mean K(x*,X)(K + σ²I)⁻¹Y, M × O.</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    public double[,] Mean(double[,] testTrainKernel)
    {
        CheckColumns(testTrainKernel);
        return Predict(testTrainKernel, _weights);
    }

    /// <summary>Posterior covariance K(x*,x*) − K(x*,X)(K + σ²I)⁻¹K(X,x*) = K(x*,x*) − VᵀV with V = L⁻¹K(X,x*), M × M.</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    /// <param name="testKernel">K(x*,x*), M × M.</param>
    public double[,] Covariance(double[,] testTrainKernel, double[,] testKernel)
    {
        ArgumentNullException.ThrowIfNull(testKernel);
        CheckColumns(testTrainKernel);
        int m = testTrainKernel.GetLength(0), n = TrainingCount;
        if (testKernel.GetLength(0) != m || testKernel.GetLength(1) != m)
            throw new ArgumentException($"K(x*,x*) must be {m}×{m}", nameof(testKernel));
        var v = new double[n, m];                       // K(X,x*), then L⁻¹K(X,x*)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) v[i, j] = testTrainKernel[j, i];
        _cholesky.ForwardSubstitute(Flat(v), m);
        var covariance = (double[,])testKernel.Clone();
        if (m > 0 && n > 0) Lapack.Gemm(true, false, m, m, n, -1, Flat(v), m, Flat(v), m, 1, Flat(covariance), m);
        return covariance;
    }

    /// <summary>K(x*,X)·W for a kernel block [M, N] and weights [N, O] (one dgemm): the mean of a kernel predictor.</summary>
    public static double[,] Predict(double[,] testTrainKernel, double[,] weights)
    {
        ArgumentNullException.ThrowIfNull(testTrainKernel);
        ArgumentNullException.ThrowIfNull(weights);
        int m = testTrainKernel.GetLength(0), n = testTrainKernel.GetLength(1), o = weights.GetLength(1);
        if (weights.GetLength(0) != n) throw new ArgumentException($"K(x*,X) has {n} columns but the weights {weights.GetLength(0)} rows", nameof(weights));
        var result = new double[m, o];
        if (result.Length > 0) Lapack.Gemm(false, false, m, o, n, 1, Flat(testTrainKernel), n, Flat(weights), o, 0, Flat(result), o);
        return result;
    }

    private void CheckColumns(double[,] testTrainKernel)
    {
        ArgumentNullException.ThrowIfNull(testTrainKernel);
        if (testTrainKernel.GetLength(1) != TrainingCount)
            throw new ArgumentException($"K(x*,X) must have {TrainingCount} columns but has {testTrainKernel.GetLength(1)}", nameof(testTrainKernel));
    }

    private static Span<double> Flat(double[,] a) => a.Length == 0 ? [] : MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);
}
