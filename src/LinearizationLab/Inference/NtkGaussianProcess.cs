using LinearizationLab.Analytic;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Inference;

/// <summary>
/// The distribution of an infinitely wide network's outputs after MSE training from random initialization
/// (Lee et al. 2019, eqs. 15–16): with T_t = Θ(x*,X)·Θ⁻¹·(I − e^{−Θt/N}) (per output, loss convention of
/// <see cref="TrainingTime"/>), the mean is μ_t = T_t·Y and the covariance
/// Σ_t = K(x*,x*) − T_t·K(X,x*) − K(x*,X)·T_tᵀ + T_t·K(X,X)·T_tᵀ, where K is the NNGP (the prior of f_0) and Θ the NTK.
/// Θ(X,X) is eigendecomposed once; every time t then costs O(M·N·O) for the mean and O(M·N² + M²·N) for the covariance.
/// </summary>
public sealed class NtkGaussianProcess
{
    private readonly Vector<double> _eigenvalues;
    private readonly Matrix<double> _testModes;       // Θ(x*,X)·V, M × N
    private readonly Matrix<double> _targetModes;     // Vᵀ·Y, N × O
    private readonly Matrix<double> _crossModes;      // Vᵀ·K(X,x*), N × M
    private readonly Matrix<double> _trainModes;      // Vᵀ·K(X,X)·V, N × N
    private readonly Matrix<double>? _testNngp;       // K(x*,x*), M × M
    private readonly double _zeroEigenvalue;

    /// <summary>Eigendecomposes Θ(X,X) and projects the test kernels onto its eigenvectors.</summary>
    /// <param name="train">NNGP and NTK between the training inputs, N × N.</param>
    /// <param name="testTrain">NNGP and NTK between test and training inputs, M × N.</param>
    /// <param name="targets">Y, N × O.</param>
    /// <param name="testNngp">K(x*,x*), M × M; needed only for <see cref="Covariance"/>.</param>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public NtkGaussianProcess(KernelPair train, KernelPair testTrain, double[,] targets, double[,]? testNngp = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testTrain);
        ArgumentNullException.ThrowIfNull(targets);
        int n = train.RowCount;
        if (train.ColumnCount != n) throw new ArgumentException($"training kernels must be square but are {n}×{train.ColumnCount}", nameof(train));
        if (testTrain.ColumnCount != n) throw new ArgumentException($"test–train kernels must have {n} columns but have {testTrain.ColumnCount}", nameof(testTrain));
        if (targets.GetLength(0) != n) throw new ArgumentException($"targets have {targets.GetLength(0)} rows but there are {n} training examples", nameof(targets));
        int m = testTrain.RowCount;
        if (testNngp is not null && (testNngp.GetLength(0) != m || testNngp.GetLength(1) != m))
            throw new ArgumentException($"K(x*,x*) must be {m}×{m}", nameof(testNngp));

        var build = Matrix<double>.Build;
        var theta = build.DenseOfArray(train.Ntk);
        theta = (theta + theta.Transpose()) / 2;
        var evd = theta.Evd(Symmetricity.Symmetric);
        _eigenvalues = evd.EigenValues.Map(c => c.Real);
        var modes = evd.EigenVectors;
        MaxEigenvalue = _eigenvalues.Count == 0 ? 0 : _eigenvalues.Maximum();
        _zeroEigenvalue = Math.Max(n * 1e-16 * MaxEigenvalue, 0);
        TrainingCount = n;

        _testModes = build.DenseOfArray(testTrain.Ntk) * modes;
        _targetModes = modes.TransposeThisAndMultiply(build.DenseOfArray(targets));
        _crossModes = (build.DenseOfArray(testTrain.Nngp) * modes).Transpose();
        var k = build.DenseOfArray(train.Nngp);
        _trainModes = modes.TransposeThisAndMultiply((k + k.Transpose()) / 2 * modes);
        _testNngp = testNngp is null ? null : build.DenseOfArray(testNngp);
    }

    /// <summary>Number of training examples N.</summary>
    public int TrainingCount { get; }

    /// <summary>Largest eigenvalue λ_max of Θ(X,X).</summary>
    public double MaxEigenvalue { get; }

    /// <summary>Largest stable learning rate of full-batch gradient descent, η_crit = 2N/λ_max (loss ½·mean over examples).</summary>
    public double CriticalLearningRate => 2.0 * TrainingCount / MaxEigenvalue;

    /// <summary>Mean prediction μ_t(x*) = Θ(x*,X)·Θ⁻¹·(I − e^{−Θt/N})·Y, M × O; 0 (the prior mean) at t = 0.</summary>
    public double[,] Mean(TrainingTime time) => (_testModes * Gains(time).PointwiseMultiply(_targetModes)).ToArray();

    /// <summary>
    /// Covariance Σ_t(x*, x*) over the ensemble of initializations, M × M, the same for every output
    /// (Lee et al. 2019, eq. 16); equals the NNGP prior K(x*,x*) at t = 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">No K(x*,x*) was given.</exception>
    public double[,] Covariance(TrainingTime time)
    {
        if (_testNngp is null) throw new InvalidOperationException("the covariance needs K(x*,x*): pass testNngp to the constructor");
        var g = Gains(time);
        var weighted = _testModes.Clone();                       // Θ(x*,X)·V·diag(g) = T_t·V
        for (int c = 0; c < weighted.ColumnCount; c++) weighted.SetColumn(c, weighted.Column(c) * g[c, 0]);
        var cross = weighted * _crossModes;                      // T_t·K(X,x*)
        var quadratic = weighted * _trainModes.TransposeAndMultiply(weighted); // T_t·K(X,X)·T_tᵀ
        return (_testNngp - cross - cross.Transpose() + quadratic).ToArray();
    }

    /// <summary>g(λ_i) repeated across the O target columns, N × O.</summary>
    private Matrix<double> Gains(TrainingTime time)
    {
        int o = _targetModes.ColumnCount;
        return Matrix<double>.Build.Dense(_eigenvalues.Count, Math.Max(o, 1),
            (i, _) => time.Gain(_eigenvalues[i], TrainingCount, _zeroEigenvalue));
    }
}
