using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Inference;

/// <summary>
/// Exact Bayesian inference with the NNGP prior (Lee et al. 2018; Rasmussen &amp; Williams 2006, eqs. 2.25–2.26):
/// mean K(x*,X)(K(X,X) + σ²I)⁻¹Y and covariance K(x*,x*) − K(x*,X)(K(X,X) + σ²I)⁻¹K(X,x*), from one Cholesky
/// factorization K + σ²I = LLᵀ. Works for any positive-definite kernel (also the NTK, giving kernel regression). The
/// factorization and the triangular solves run in LAPACK through libtorch's <c>linalg</c> in float64 on the CPU (a
/// 10,000-example kernel factorizes in seconds, where a managed Cholesky took minutes). K is read through its lower
/// triangle (the part the factorization reads; kernels here are symmetric up to round-off), and the only N×N matrix kept
/// is L.
/// </summary>
public sealed class NngpPosterior : IDisposable
{
    private readonly Tensor _cholesky;   // L, lower triangular, N × N, float64
    private readonly Tensor _weights;    // (K + σ²I)⁻¹Y, N × O

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
        using var scope = NewDisposeScope();
        var k = Matrix(trainKernel);
        double meanDiagonal = n == 0 ? 0 : k.diagonal().mean().ToDouble();
        k.diagonal().Shift_(noiseVariance);
        var (cholesky, info) = linalg.cholesky_ex(k);
        if (n > 0 && info.ToInt32() != 0)
            throw new ArgumentException(
                $"K(X,X) + σ²I is not positive definite at σ² = {noiseVariance:G3}; pass a diagonal jitter of about " +
                $"{Math.Max(1e-10 * meanDiagonal, 1e-300):G3} (1e-10 × mean diagonal) or larger as the noise variance", nameof(trainKernel));
        k.Dispose();
        _cholesky = cholesky.DetachFromDisposeScope();
        _weights = Solve(Matrix(targets)).DetachFromDisposeScope();
        TrainingCount = n;
        NoiseVariance = noiseVariance;
    }

    /// <summary>Number of training examples N.</summary>
    public int TrainingCount { get; }

    /// <summary>The diagonal regularizer σ².</summary>
    public double NoiseVariance { get; }

    /// <summary>Posterior mean K(x*,X)(K + σ²I)⁻¹Y, M × O.</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    public double[,] Mean(double[,] testTrainKernel)
    {
        using var scope = NewDisposeScope();
        return Array(TestTrain(testTrainKernel).matmul(_weights));
    }

    /// <summary>Posterior covariance K(x*,x*) − K(x*,X)(K + σ²I)⁻¹K(X,x*) = K(x*,x*) − VᵀV with V = L⁻¹K(X,x*), M × M.</summary>
    /// <param name="testTrainKernel">K(x*,X), M × N.</param>
    /// <param name="testKernel">K(x*,x*), M × M.</param>
    public double[,] Covariance(double[,] testTrainKernel, double[,] testKernel)
    {
        ArgumentNullException.ThrowIfNull(testKernel);
        using var scope = NewDisposeScope();
        var kxs = TestTrain(testTrainKernel);
        long m = kxs.shape[0];
        if (testKernel.GetLength(0) != m || testKernel.GetLength(1) != m)
            throw new ArgumentException($"K(x*,x*) must be {m}×{m}", nameof(testKernel));
        var v = linalg.solve_triangular(_cholesky, kxs.t(), upper: false);
        return Array(Matrix(testKernel).sub_(v.t().matmul(v)));
    }

    /// <summary>(K + σ²I)⁻¹B = L⁻ᵀ(L⁻¹B) by two triangular solves.</summary>
    private Tensor Solve(Tensor b) =>
        linalg.solve_triangular(_cholesky.t(), linalg.solve_triangular(_cholesky, b, upper: false), upper: true);

    private static Tensor Matrix(double[,] values) =>
        tensor(values, ScalarType.Float64, CPU);

    private static double[,] Array(Tensor t)
    {
        var contiguous = t.contiguous();
        long rows = contiguous.shape[0], columns = contiguous.shape[1];
        var result = new double[rows, columns];
        if (result.Length > 0)
            contiguous.data<double>().CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref result[0, 0], result.Length));
        return result;
    }

    private Tensor TestTrain(double[,] testTrainKernel)
    {
        ArgumentNullException.ThrowIfNull(testTrainKernel);
        if (testTrainKernel.GetLength(1) != TrainingCount)
            throw new ArgumentException($"K(x*,X) must have {TrainingCount} columns but has {testTrainKernel.GetLength(1)}", nameof(testTrainKernel));
        return Matrix(testTrainKernel);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _cholesky.Dispose();
        _weights.Dispose();
    }
}
