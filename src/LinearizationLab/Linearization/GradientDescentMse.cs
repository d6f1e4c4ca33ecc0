using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// Closed-form MSE training of a model that is linear in its parameters, from its kernel Θ on the N training inputs
/// (neural-tangents' <c>predict.gradient_descent_mse</c>; Lee et al. 2019, eqs. 8–11 and 15–16): the one place where
/// the linearized network (<see cref="LinearMseDynamics"/>), the NTK-GP and the choice of learning rate
/// (<see cref="T:LinearizationLab.Linearization.CriticalLearningRate"/>) get their dynamics. The loss is <see cref="Training.MeanSquaredError"/>,
/// L = ½·(1/N)·Σ_n ‖f(x_n) − y_n‖², a mean over examples (neural-tangents averages over all N·O entries instead: its
/// time t is t/O here), so a full-batch step is f ← f − (η/N)·Θ·(f − y) and
/// <code>
///   f_t(X)  = f_0(X)  + (I − D_t)·(Y − f_0(X))
///   f_t(x*) = f_0(x*) + Θ(x*,X)·Θ⁻¹·(I − D_t)·(Y − f_0(X))
///   gradient descent, k steps of learning rate η:  D_t = (I − ηΘ/N)^k
///   gradient flow for time τ (τ = η·k):            D_t = e^{−Θτ/N} = e^{−ηΘk/N}
/// </code>
/// (a <see cref="TrainingTime"/> says which, and τ, η, k). Gradient descent is stable for η &lt; η_crit = 2N/λ_max.
/// Θ = V·diag(λ)·Vᵀ is eigendecomposed once; then Θ⁻¹·(I − D_t) = V·diag(g_t(λ))·Vᵀ with the gain of
/// <see cref="Gain(double, TrainingTime)"/>, so any t costs one pass over the modes. Θ is either one kernel [N, N]
/// that serves each of the O outputs (the analytic NTK, an output-averaged empirical one) or the full kernel
/// Θ[(i,k),(j,k')] [N·O, N·O] on example-major outputs i·O + k.
/// </summary>
public sealed class GradientDescentMse
{
    private readonly Matrix<double> _modes;   // V: eigenvectors as columns, in the order the solver returned them
    private readonly Vector<double> _values;  // λ in the same order
    private readonly double[] _descending;

    /// <summary>
    /// Eigendecomposes <paramref name="kernel"/> (LAPACK). Θ is symmetric up to round-off and is read through
    /// its lower triangle Θ_ij (i ≥ j), the part the symmetric eigensolver reads.
    /// </summary>
    /// <param name="kernel">Θ(X, X), [N, N] or [N·O, N·O].</param>
    /// <param name="outputCount">O when <paramref name="kernel"/> is the full [N·O, N·O] kernel; 1 (the default) when
    /// one [N, N] kernel serves every output.</param>
    /// <exception cref="ArgumentException">The kernel is not square, or its size is not a multiple of <paramref name="outputCount"/>.</exception>
    public GradientDescentMse(double[,] kernel, int outputCount = 1)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        int size = kernel.GetLength(0);
        if (kernel.GetLength(1) != size)
            throw new ArgumentException($"the kernel must be square but is {size}×{kernel.GetLength(1)}", nameof(kernel));
        if (outputCount < 1 || size % outputCount != 0)
            throw new ArgumentException($"a {size}×{size} kernel is not N·O square for O = {outputCount}", nameof(outputCount));
        ExampleCount = size / outputCount;
        OutputCount = outputCount;
        (_modes, _values) = SymmetricEigen(kernel);
        _descending = [.. _values.OrderByDescending(v => v)];
        MaxEigenvalue = size == 0 ? 0 : _descending[0];
        ZeroEigenvalue = Math.Max(size * 1e-16 * MaxEigenvalue, 0);
    }

    /// <summary>
    /// Θ = V·diag(λ)·Vᵀ by LAPACK's symmetric eigensolver (<see cref="Lapack.SymmetricEigen"/>, divide and conquer, on a copy),
    /// reading Θ's lower triangle; λ ascending, V's columns the eigenvectors.
    /// </summary>
    private static (Matrix<double> Modes, Vector<double> Values) SymmetricEigen(double[,] kernel)
    {
        int size = kernel.GetLength(0);
        var vectors = (double[,])kernel.Clone();
        var values = new double[size];
        Lapack.SymmetricEigen(vectors, values);
        // The eigenvectors are the rows of the row-major result, which is V in column-major order, MathNet's storage.
        var columnMajor = new double[vectors.Length];
        Buffer.BlockCopy(vectors, 0, columnMajor, 0, vectors.Length * sizeof(double));
        return (Matrix<double>.Build.Dense(size, size, columnMajor), Vector<double>.Build.Dense(values));
    }

    /// <summary>Number of training examples N (the N of the loss's mean).</summary>
    public int ExampleCount { get; }

    /// <summary>Kernel rows per example: O for the full kernel, 1 for a kernel shared by the outputs.</summary>
    public int OutputCount { get; }

    /// <summary>The spectrum of Θ, largest first.</summary>
    public IReadOnlyList<double> Eigenvalues => _descending;

    /// <summary>λ_max(Θ) (0 for an empty kernel).</summary>
    public double MaxEigenvalue { get; }

    /// <summary>
    /// The zero-eigenvalue rule: eigenvalues at or below size·10⁻¹⁶·λ_max (round-off of a positive semi-definite
    /// kernel's null space) count as 0 in <see cref="Gain(double, TrainingTime)"/>.
    /// </summary>
    public double ZeroEigenvalue { get; }

    /// <summary>η_crit = 2N/λ_max, the largest stable learning rate of full-batch gradient descent on this loss.</summary>
    public double CriticalLearningRate => CriticalLearningRateFor(MaxEigenvalue, ExampleCount);

    /// <summary>η_crit = 2N/λ_max for loss ½·mean over <paramref name="exampleCount"/> examples, from λ_max however it was found.</summary>
    public static double CriticalLearningRateFor(double maxEigenvalue, int exampleCount) => 2.0 * exampleCount / maxEigenvalue;

    /// <summary>
    /// The gain g_t(λ) = (1 − d_t(λ))/λ of an eigen-direction, with d_t(λ) = e^{−λτ/N} (gradient flow) or
    /// (1 − ηλ/N)^k (gradient descent): f_t(x*) = f_0(x*) + Θ(x*,X)·V·diag(g_t)·Vᵀ·(Y − f_0(X)). Eigenvalues at or
    /// below <see cref="ZeroEigenvalue"/> count as 0: their limit τ/N (= ηk/N) at finite time, which is what the
    /// weight-space dynamics give, and 0 at t = ∞ (the pseudo-inverse).
    /// </summary>
    public double Gain(double eigenvalue, TrainingTime time) => Gain(eigenvalue, time, ExampleCount, ZeroEigenvalue);

    /// <summary>The gain of <see cref="Gain(double, TrainingTime)"/> for N = <paramref name="n"/> and a given zero threshold.</summary>
    internal static double Gain(double lambda, TrainingTime time, int n, double zeroEigenvalue)
    {
        bool zero = lambda <= zeroEigenvalue;
        if (double.IsPositiveInfinity(time.Time)) return zero ? 0 : 1 / lambda;
        if (zero) return time.Time / n;
        if (!time.IsDiscrete) return -ExpM1(-lambda * time.Time / n) / lambda;
        double step = time.LearningRate * lambda / n;
        double oneMinusDecay = step < 1
            ? -ExpM1(time.Steps * Log1P(-step))
            : 1 - Math.Pow(1 - step, time.Steps);
        return oneMinusDecay / lambda;
    }

    /// <summary>
    /// g_t(Θ)·R = Θ⁻¹·(I − D_t)·R at a finite time without eigendecomposing Θ: the gain of <see cref="Gain(double, TrainingTime)"/>
    /// as a Chebyshev expansion in Θ (<see cref="ChebyshevMatrixFunction"/>), one product Θ·R per degree, no copy of Θ, so it
    /// serves kernels too large for the eigendecomposition's workspace (N = 10⁴ and beyond). The NTK-GP mean is then
    /// Θ(x*,X)·g_t(Θ)·Y. One [N, N] kernel shared by the outputs.
    /// </summary>
    /// <param name="kernel">Θ(X,X), N × N (regularizer already on its diagonal).</param>
    /// <param name="values">R, N × C (e.g. Y − f_0(X)).</param>
    /// <param name="time">A finite training time.</param>
    /// <param name="degree">The Chebyshev degree used (products with Θ).</param>
    /// <param name="maxDegree">The largest degree allowed; late times need a degree ~ 6·(λ_max·τ/N)^½.</param>
    /// <exception cref="ArgumentException">t = ∞ (a linear solve; <see cref="Inference.NngpPosterior"/>), or the degree would exceed
    /// <paramref name="maxDegree"/>.</exception>
    public static double[,] ApplyGain(SymmetricTiles kernel, double[,] values, TrainingTime time, out int degree, int maxDegree = 20_000)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (double.IsPositiveInfinity(time.Time))
            throw new ArgumentException("at t = ∞ the gain is Θ⁻¹: solve with a Cholesky factorization instead", nameof(time));
        int n = kernel.Size;
        try
        {
            return ChebyshevMatrixFunction.Apply(kernel, values, lambda => Gain(lambda, time, n, 0), maxDegree, out degree);
        }
        catch (ArgumentException e) when (e.ParamName == "maxDegree")
        {
            throw new ArgumentException($"t = {time.Time:G4} is so late that the NTK-GP's gain needs a Chebyshev degree above {maxDegree}; " +
                "the predictions there are those at t = ∞ (time \"infinity\")", nameof(time), e);
        }
    }

    /// <summary>V: the eigenvectors of Θ as columns, in the order of the gains.</summary>
    internal Matrix<double> Modes => _modes;

    /// <summary>g_t(λ_i) of every eigen-direction, in the order of <see cref="Modes"/>.</summary>
    internal Vector<double> Gains(TrainingTime time) => _values.Map(lambda => Gain(lambda, time, ExampleCount, ZeroEigenvalue), Zeros.Include);

    /// <summary>Vᵀ·<paramref name="values"/>: values on the training rows [size, C] in the eigenbasis.</summary>
    internal Matrix<double> ToModes(Matrix<double> values) => Lapack.Product(_modes, values, transposeA: true);

    /// <summary>k(x*, X)·V for a kernel's rows against the training inputs (e.g. Θ(x*,X) [M·O or M, size]); computed once, it serves every t.</summary>
    internal Matrix<double> TestModes(Matrix<double> testTrainKernel) => Lapack.Product(testTrainKernel, _modes);

    /// <summary>
    /// f_t(x*) − f_0(x*) = Θ(x*,X)·V·diag(g_t)·Vᵀ·(Y − f_0(X)), from <paramref name="testModes"/> Θ(x*,X)·V and
    /// <paramref name="residualModes"/> Vᵀ·(Y − f_0(X)) [size, C].
    /// </summary>
    internal Matrix<double> TestChange(Matrix<double> testModes, Matrix<double> residualModes, TrainingTime time)
    {
        var g = Gains(time);
        var gains = Matrix<double>.Build.Dense(g.Count, residualModes.ColumnCount, (i, _) => g[i]);
        return Lapack.Product(testModes, gains.PointwiseMultiply(residualModes));
    }

    /// <summary>f_t(X) − f_0(X) = (I − D_t)·(Y − f_0(X)) = V·diag(λ·g_t)·Vᵀ·(Y − f_0(X)), from <paramref name="residualModes"/> Vᵀ·(Y − f_0(X)).</summary>
    internal Matrix<double> TrainChange(Matrix<double> residualModes, TrainingTime time)
    {
        var g = Gains(time);
        return Lapack.Product(_modes, Matrix<double>.Build.Dense(g.Count, residualModes.ColumnCount, (i, c) => _values[i] * g[i] * residualModes[i, c]));
    }

    /// <summary>eˣ − 1 without cancellation for small x (Kahan's trick; .NET's double.ExpM1 is exp(x) − 1).</summary>
    private static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }

    /// <summary>ln(1 + x) without cancellation for small x (Kahan's trick).</summary>
    private static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
