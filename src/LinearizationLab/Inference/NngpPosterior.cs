namespace LinearizationLab.Inference;

/// <summary>
/// Exact Bayesian inference with the NNGP prior (Lee et al. 2018; Rasmussen &amp; Williams 2006, eqs. 2.25–2.26):
/// mean K(x*,X)(K(X,X) + σ²I)⁻¹Y and covariance K(x*,X*) − K(x*,X)(K(X,X) + σ²I)⁻¹K(X,x*), from one Cholesky
/// factorization K + σ²I = LLᵀ. Works for any positive-definite kernel (also the NTK, giving kernel regression). The
/// factorization and the triangular solves run in LAPACK (MKL inside libtorch, float64, in place; <see cref="Lapack"/>),
/// reading K through its lower triangle (kernels here are symmetric up to round-off). The only N×N matrix kept is L, and
/// <see cref="FactorizeInPlace"/> writes it over the caller's kernel, so a 10,000-example kernel (800 MB) is factorized
/// without a second copy.
/// </summary>
public sealed class NngpPosterior
{
    private readonly double[,] _cholesky;   // L in the lower triangle, N × N
    private readonly double[,] _weights;    // (K + σ²I)⁻¹Y, N × O

    /// <summary>Factorizes a copy of K(X,X) + σ²I; <paramref name="trainKernel"/> is left as it was.</summary>
    /// <param name="trainKernel">K(X,X), N × N, symmetric.</param>
    /// <param name="targets">Y, N × O.</param>
    /// <param name="noiseVariance">σ² added to the diagonal (observation noise or regularizer), ≥ 0; 0 interpolates the targets.</param>
    /// <exception cref="ArgumentException">Shapes disagree, σ² &lt; 0, or K + σ²I is not positive definite
    /// (the message suggests a diagonal jitter to pass as <paramref name="noiseVariance"/>).</exception>
    public NngpPosterior(double[,] trainKernel, double[,] targets, double noiseVariance = 0)
        : this(noiseVariance, Copy(trainKernel ?? throw new ArgumentNullException(nameof(trainKernel))), targets)
    {
    }

    /// <summary>Factorizes <paramref name="kernel"/> + σ²I in place (the argument order only tells this constructor apart).</summary>
    private NngpPosterior(double noiseVariance, double[,] kernel, double[,] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int n = kernel.GetLength(0);
        if (kernel.GetLength(1) != n) throw new ArgumentException($"the training kernel must be square but is {n}×{kernel.GetLength(1)}", "trainKernel");
        if (targets.GetLength(0) != n) throw new ArgumentException($"targets have {targets.GetLength(0)} rows but the kernel has {n}", nameof(targets));
        if (!(noiseVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "must be ≥ 0");
        double meanDiagonal = 0;
        for (int i = 0; i < n; i++)
        {
            meanDiagonal += kernel[i, i] / n;
            kernel[i, i] += noiseVariance;
        }
        if (Lapack.Cholesky(kernel) != 0)
            throw new ArgumentException(
                $"K(X,X) + σ²I is not positive definite at σ² = {noiseVariance:G3}; pass a diagonal jitter of about " +
                $"{Math.Max(1e-10 * meanDiagonal, 1e-300):G3} (1e-10 × mean diagonal) or larger as the noise variance", "trainKernel");
        _cholesky = kernel;
        _weights = Copy(targets);
        Lapack.CholeskySolve(_cholesky, _weights);
        TrainingCount = n;
        NoiseVariance = noiseVariance;
    }

    /// <summary>
    /// Factorizes K(X,X) + σ²I in place: <paramref name="trainKernel"/>'s diagonal gets σ² and its lower triangle becomes L (its
    /// strict upper triangle keeps K), also when the factorization fails. For kernels too large to copy.
    /// </summary>
    /// <inheritdoc cref="NngpPosterior(double[,], double[,], double)"/>
    public static NngpPosterior FactorizeInPlace(double[,] trainKernel, double[,] targets, double noiseVariance = 0)
    {
        ArgumentNullException.ThrowIfNull(trainKernel);
        return new NngpPosterior(noiseVariance, trainKernel, targets);
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
        var vt = Copy(testTrainKernel);                 // becomes Vᵀ, M × N
        Lapack.ForwardSubstituteRows(_cholesky, vt);
        var covariance = Copy(testKernel);
        if (m > 0 && n > 0)
            Lapack.Gemm(false, true, m, m, n, -1, Flat(vt), n, Flat(vt), n, 1, Flat(covariance), m);
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

    private static Span<double> Flat(double[,] a) =>
        a.Length == 0 ? [] : System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0, 0], a.Length);

    private static double[,] Copy(double[,] a) => (double[,])a.Clone();
}
