using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// Closed-form outputs of the linearized network trained with full-batch gradient descent on this project's MSE,
/// L = ½·(1/N)Σ_n‖f(x_n) − y_n‖² (a mean over the N examples, not over the N·O entries as in neural-tangents), so
/// on the N·O output vector (index n·O + k) ḟ = −(η/N)·Θ̂0·(f − y) (Lee et al. 2019, eqs. 8–11). Discrete GD after t
/// steps: f_t(X) = Y + (I − ηΘ̂0/N)^t (f0(X) − Y); gradient flow: (I − ηΘ̂0/N)^t → exp(−ηΘ̂0 t/N). At test points
/// f_t(x*) = f0(x*) + Θ̂0(x*, X) Θ̂0⁻¹ (I − (I − ηΘ̂0/N)^t)(Y − f0(X)). Θ̂0 is eigendecomposed once; any t is cheap.
/// </summary>
public sealed class LinearMseDynamics
{
    private readonly Matrix<double> _vectors;
    private readonly double[] _values;
    private readonly Vector<double> _residual0; // Vᵀ(f0(X) − Y)
    private readonly Vector<double> _f0;
    private readonly Vector<double> _y;

    /// <summary>
    /// From the full train kernel Θ̂0(X, X) [N·O, N·O], the initial train outputs f0(X) [N, O], the targets Y [N, O]
    /// and the learning rate η.
    /// </summary>
    public LinearMseDynamics(double[,] trainKernel, double[,] initialOutputs, double[,] targets, double learningRate)
    {
        ExampleCount = initialOutputs.GetLength(0);
        OutputCount = initialOutputs.GetLength(1);
        int m = ExampleCount * OutputCount;
        if (trainKernel.GetLength(0) != m || trainKernel.GetLength(1) != m)
            throw new ArgumentException($"the train kernel must be [{m}, {m}] (N·O square)");
        if (targets.GetLength(0) != ExampleCount || targets.GetLength(1) != OutputCount)
            throw new ArgumentException("targets must have the shape of the initial outputs");
        LearningRate = learningRate;
        var evd = Matrix<double>.Build.DenseOfArray(trainKernel).Evd(Symmetricity.Symmetric);
        _vectors = evd.EigenVectors;
        _values = evd.EigenValues.Select(c => c.Real).ToArray();
        _f0 = Flatten(initialOutputs);
        _y = Flatten(targets);
        _residual0 = _vectors.TransposeThisAndMultiply(_f0 - _y);
    }

    /// <summary>Number of training examples N.</summary>
    public int ExampleCount { get; }

    /// <summary>Number of outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>Learning rate η.</summary>
    public double LearningRate { get; }

    /// <summary>Eigenvalues of Θ̂0(X, X), as the decomposition returned them.</summary>
    public IReadOnlyList<double> Eigenvalues => _values;

    /// <summary>f_t(X) [N, O] after <paramref name="t"/> GD steps, or at flow time t (in units of steps of size η) when <paramref name="gradientFlow"/>.</summary>
    public double[,] TrainOutputs(double t, bool gradientFlow = false)
    {
        var decayed = Vector<double>.Build.Dense(_values.Length, i => Decay(_values[i], t, gradientFlow) * _residual0[i]);
        return Unflatten(_y + _vectors * decayed, ExampleCount);
    }

    /// <summary>
    /// f_t(x*) [M, O] at test points from Θ̂0(x*, X) [M·O, N·O] and f0(x*) [M, O]. Eigen-directions with λ ≈ 0 use the
    /// limit (1 − (1 − ηλ/N)^t)/λ → ηt/N, which is what the weight-space dynamics give.
    /// </summary>
    public double[,] TestOutputs(double[,] testTrainKernel, double[,] initialTestOutputs, double t, bool gradientFlow = false)
    {
        int mo = initialTestOutputs.GetLength(0) * OutputCount;
        if (testTrainKernel.GetLength(0) != mo || testTrainKernel.GetLength(1) != _values.Length)
            throw new ArgumentException($"the test-train kernel must be [{mo}, {_values.Length}]");
        double scale = LearningRate / ExampleCount;
        // Per eigen-direction: (1 − decay)/λ · (Vᵀ(Y − f0(X)))_i, with (1 − decay)/λ → ηt/N as λ → 0.
        var coefficients = Vector<double>.Build.Dense(_values.Length, i =>
        {
            double lambda = _values[i];
            double gain = lambda == 0 ? scale * t : -Growth(scale * lambda, t, gradientFlow) / lambda;
            return -gain * _residual0[i];
        });
        var k = Matrix<double>.Build.DenseOfArray(testTrainKernel);
        return Unflatten(Flatten(initialTestOutputs) + k * (_vectors * coefficients), initialTestOutputs.GetLength(0));
    }

    /// <summary>(1 − ηλ/N)^t, or exp(−ηλt/N) for gradient flow.</summary>
    private double Decay(double lambda, double t, bool flow)
    {
        double x = LearningRate / ExampleCount * lambda;
        return flow ? Math.Exp(-x * t) : Math.Pow(1 - x, t);
    }

    /// <summary>(1 − x)^t − 1 or exp(−xt) − 1, accurate for small x (expm1/log1p form where 1 − x &gt; 0).</summary>
    private static double Growth(double x, double t, bool flow)
    {
        if (flow) return ExpM1(-x * t);
        return x < 1 ? ExpM1(t * LogOnePlus(-x)) : Math.Pow(1 - x, t) - 1;
    }

    /// <summary>e^v − 1 without cancellation (Kahan's formula).</summary>
    private static double ExpM1(double v)
    {
        double u = Math.Exp(v);
        if (u == 1) return v;
        if (u - 1 == -1) return -1;
        return (u - 1) * v / Math.Log(u);
    }

    /// <summary>ln(1 + v) without cancellation (Goldberg's formula).</summary>
    private static double LogOnePlus(double v)
    {
        double u = 1 + v;
        return u == 1 ? v : Math.Log(u) * v / (u - 1);
    }

    private static Vector<double> Flatten(double[,] m)
    {
        int n = m.GetLength(0), o = m.GetLength(1);
        return Vector<double>.Build.Dense(n * o, i => m[i / o, i % o]);
    }

    private static double[,] Unflatten(Vector<double> v, int n)
    {
        int o = v.Count / n;
        var m = new double[n, o];
        for (int i = 0; i < v.Count; i++) m[i / o, i % o] = v[i];
        return m;
    }
}
