using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Inference;

/// <summary>
/// Exact Bayesian inference with the NNGP prior (Lee et al. 2018; Rasmussen &amp; Williams 2006, eqs. 2.25–2.26):
/// mean K(x*,X)(K(X,X) + σ²I)⁻¹Y and covariance K(x*,x*) − K(x*,X)(K(X,X) + σ²I)⁻¹K(X,x*), from one Cholesky
/// factorization. Works for any positive-definite kernel (also the NTK, giving kernel regression).
/// </summary>
public sealed class NngpPosterior
{
    private readonly MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> _cholesky;
    private readonly Matrix<double> _weights; // (K + σ²I)⁻¹Y, N × O

    /// <summary>Factorizes K(X,X) + σ²I.</summary>
    /// <param name="trainKernel">K(X,X), N × N, symmetric.</param>
    /// <param name="targets">Y, N × O.</param>
    /// <param name="noiseVariance">σ² added to the diagonal (observation noise or regularizer), ≥ 0; 0 interpolates the targets.</param>
    /// <exception cref="ArgumentException">Shapes disagree, σ² &lt; 0, or K + σ²I is not positive definite
    /// (the message suggests a diagonal jitter to pass as <paramref name="noiseVariance"/>).</exception>
    public NngpPosterior(double[,] trainKernel, double[,] targets, double noiseVariance = 0)
    {
        ArgumentNullException.ThrowIfNull(trainKernel);
        ArgumentNullException.ThrowIfNull(targets);
        int n = trainKernel.GetLength(0);
        if (trainKernel.GetLength(1) != n) throw new ArgumentException($"the training kernel must be square but is {n}×{trainKernel.GetLength(1)}", nameof(trainKernel));
        if (targets.GetLength(0) != n) throw new ArgumentException($"targets have {targets.GetLength(0)} rows but the kernel has {n}", nameof(targets));
        if (!(noiseVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "must be ≥ 0");
        var k = Symmetrized(trainKernel);
        double meanDiagonal = k.Diagonal().Average();
        for (int i = 0; i < n; i++) k[i, i] += noiseVariance;
        try
        {
            _cholesky = k.Cholesky();
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(
                $"K(X,X) + σ²I is not positive definite at σ² = {noiseVariance:G3}; pass a diagonal jitter of about " +
                $"{Math.Max(1e-10 * meanDiagonal, 1e-300):G3} (1e-10 × mean diagonal) or larger as the noise variance", nameof(trainKernel));
        }

        _weights = _cholesky.Solve(Matrix<double>.Build.DenseOfArray(targets));
        TrainingCount = n;
        NoiseVariance = noiseVariance;
    }

    /// <summary>Number of training examples N.</summary>
    public int TrainingCount { get; }

    /// <summary>The diagonal regularizer σ².</summary>
    public double NoiseVariance { get; }

    /// <summary>Posterior mean K(x*,X)(K + σ²I)⁻¹Y, M × O.</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    public double[,] Mean(double[,] testTrainKernel) => (TestTrain(testTrainKernel) * _weights).ToArray();

    /// <summary>Posterior covariance K(x*,x*) − K(x*,X)(K + σ²I)⁻¹K(X,x*), M × M (the same for every output).</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    /// <param name="testKernel">K(x*,x*), M × M.</param>
    public double[,] Covariance(double[,] testTrainKernel, double[,] testKernel)
    {
        var kxs = TestTrain(testTrainKernel);
        int m = kxs.RowCount;
        if (testKernel.GetLength(0) != m || testKernel.GetLength(1) != m)
            throw new ArgumentException($"K(x*,x*) must be {m}×{m}", nameof(testKernel));
        var reduction = kxs * _cholesky.Solve(kxs.Transpose());
        return (Matrix<double>.Build.DenseOfArray(testKernel) - reduction).ToArray();
    }

    /// <summary>(K + Kᵀ)/2 as one column-major matrix, built without intermediate copies (an N = 10⁴ kernel is 800 MB).</summary>
    private static Matrix<double> Symmetrized(double[,] kernel)
    {
        int n = kernel.GetLength(0);
        var values = new double[(long)n * n];
        Parallel.For(0, n, j =>
        {
            long column = (long)j * n;
            for (int i = 0; i < n; i++) values[column + i] = (kernel[i, j] + kernel[j, i]) / 2;
        });
        return Matrix<double>.Build.Dense(n, n, values);
    }

    private Matrix<double> TestTrain(double[,] testTrainKernel)
    {
        ArgumentNullException.ThrowIfNull(testTrainKernel);
        if (testTrainKernel.GetLength(1) != TrainingCount)
            throw new ArgumentException($"K(x*,X) must have {TrainingCount} columns but has {testTrainKernel.GetLength(1)}", nameof(testTrainKernel));
        return Matrix<double>.Build.DenseOfArray(testTrainKernel);
    }
}
