using LinearizationLab.Analytic;
using LinearizationLab.Linearization;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Inference;

/// <summary>
/// The distribution of an infinitely wide network's outputs after MSE training from random initialization
/// (Lee et al. 2019, eqs. 15–16): with T_t = Θ(x*,X)·Θ⁻¹·(I − D_t) from the dynamics of <see cref="GradientDescentMse"/>
/// (D_t = e^{−Θt/N} for gradient flow, (I − ηΘ/N)^k for gradient descent), the mean is μ_t = T_t·Y and the covariance
/// Σ_t = K(x*,x*) − T_t·K(X,x*) − K(x*,X)·T_tᵀ + T_t·K(X,X)·T_tᵀ, where K is the NNGP (the prior of f_0) and Θ the NTK,
/// one [N, N] kernel for every output. Θ(X,X) is eigendecomposed once; every time t then costs O(M·N·O) for the mean
/// and O(M·N² + M²·N) for the covariance.
/// </summary>
public sealed class NtkGaussianProcess
{
    private readonly GradientDescentMse _dynamics;
    private readonly Matrix<double> _testModes;       // Θ(x*,X)·V, M × N
    private readonly Matrix<double> _targetModes;     // Vᵀ·Y, N × O
    private readonly Matrix<double> _crossModes;      // Vᵀ·K(X,x*), N × M
    private readonly Matrix<double> _trainModes;      // Vᵀ·K(X,X)·V, N × N
    private readonly Matrix<double>? _testNngp;       // K(x*,x*), M × M

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
        _dynamics = new GradientDescentMse(train.Ntk);
        _testModes = _dynamics.TestModes(build.DenseOfArray(testTrain.Ntk));
        _targetModes = _dynamics.ToModes(build.DenseOfArray(targets));
        _crossModes = _dynamics.TestModes(build.DenseOfArray(testTrain.Nngp)).Transpose();
        var k = build.DenseOfArray(train.Nngp);
        _trainModes = _dynamics.ToModes(_dynamics.TestModes((k + k.Transpose()) / 2));
        _testNngp = testNngp is null ? null : build.DenseOfArray(testNngp);
    }

    /// <summary>Number of training examples N.</summary>
    public int TrainingCount => _dynamics.ExampleCount;

    /// <summary>Largest eigenvalue λ_max of Θ(X,X).</summary>
    public double MaxEigenvalue => _dynamics.MaxEigenvalue;

    /// <summary>Largest stable learning rate of full-batch gradient descent, η_crit = 2N/λ_max (<see cref="GradientDescentMse"/>).</summary>
    public double CriticalLearningRate => _dynamics.CriticalLearningRate;

    /// <summary>Mean prediction μ_t(x*) = Θ(x*,X)·Θ⁻¹·(I − D_t)·Y, M × O: the linear dynamics from f_0 = 0; 0 (the prior mean) at t = 0.</summary>
    public double[,] Mean(TrainingTime time) => _dynamics.TestChange(_testModes, _targetModes, time).ToArray();

    /// <summary>
    /// Covariance Σ_t(x*, x*) over the ensemble of initializations, M × M, the same for every output
    /// (Lee et al. 2019, eq. 16); equals the NNGP prior K(x*,x*) at t = 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">No K(x*,x*) was given.</exception>
    public double[,] Covariance(TrainingTime time)
    {
        if (_testNngp is null) throw new InvalidOperationException("the covariance needs K(x*,x*): pass testNngp to the constructor");
        var g = _dynamics.Gains(time);
        var weighted = _testModes.Clone();                       // Θ(x*,X)·V·diag(g) = T_t·V
        for (int c = 0; c < weighted.ColumnCount; c++) weighted.SetColumn(c, weighted.Column(c) * g[c]);
        var cross = Lapack.Product(weighted, _crossModes);                      // T_t·K(X,x*)
        var quadratic = Lapack.Product(weighted, Lapack.Product(_trainModes, weighted, transposeB: true)); // T_t·K(X,X)·T_tᵀ
        return (_testNngp - cross - cross.Transpose() + quadratic).ToArray();
    }
}
