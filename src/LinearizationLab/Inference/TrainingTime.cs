namespace LinearizationLab.Inference;

/// <summary>
/// How long a network has been trained under MSE: continuous gradient flow for time t, or discrete full-batch
/// gradient descent with learning rate η for a number of steps. This project's loss is
/// L = ½·(1/N)·Σ_i ‖f(x_i) − y_i‖² (mean over the N examples, summed over outputs), so in function space
/// df/dt = −(1/N)·Θ·(f − y) per output and a mode of Θ(X,X) with eigenvalue λ decays by
/// e^{−λt/N} (flow) or (1 − ηλ/N)^steps (gradient descent). (neural-tangents' <c>gradient_descent_mse</c> uses the
/// mean over all N·O entries instead: its time t corresponds to t/O here.)
/// </summary>
public readonly record struct TrainingTime
{
    private TrainingTime(double time, double learningRate, long steps)
    {
        Time = time;
        LearningRate = learningRate;
        Steps = steps;
    }

    /// <summary>Trained to convergence (t = ∞): kernel regression Θ(x*,X)Θ(X,X)⁻¹Y.</summary>
    public static TrainingTime Infinity => new(double.PositiveInfinity, 0, 0);

    /// <summary>Gradient-flow time t (η × steps for gradient descent).</summary>
    public double Time { get; }

    /// <summary>Learning rate η of discrete gradient descent; 0 for gradient flow.</summary>
    public double LearningRate { get; }

    /// <summary>Number of gradient-descent steps; 0 for gradient flow.</summary>
    public long Steps { get; }

    /// <summary>True for discrete gradient descent.</summary>
    public bool IsDiscrete => LearningRate > 0;

    /// <summary>Gradient flow for time <paramref name="t"/> ≥ 0 (∞ allowed).</summary>
    public static TrainingTime GradientFlow(double t)
    {
        if (!(t >= 0)) throw new ArgumentOutOfRangeException(nameof(t), t, "must be ≥ 0");
        return new TrainingTime(t, 0, 0);
    }

    /// <summary>Full-batch gradient descent f ← f − (η/N)·Θ·(f − y) for <paramref name="steps"/> steps.</summary>
    public static TrainingTime GradientDescent(double learningRate, long steps)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be positive and finite");
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "must be ≥ 0");
        return new TrainingTime(learningRate * steps, learningRate, steps);
    }

    /// <summary>
    /// g(λ) = (1 − decay(λ))/λ with decay e^{−λt/N} or (1 − ηλ/N)^steps, so that the trained function is
    /// f_t = f_0 − Θ(·,X)·V·diag(g)·Vᵀ·(f_0(X) − Y). Eigenvalues ≤ <paramref name="zeroEigenvalue"/> count as 0:
    /// their limit t/N (ηk/N) for finite time, and 0 at t = ∞ (the pseudo-inverse).
    /// </summary>
    internal double Gain(double lambda, int n, double zeroEigenvalue)
    {
        bool zero = lambda <= zeroEigenvalue;
        if (double.IsPositiveInfinity(Time)) return zero ? 0 : 1 / lambda;
        if (zero) return Time / n;
        if (!IsDiscrete) return -ExpM1(-lambda * Time / n) / lambda;
        double step = LearningRate * lambda / n;
        double oneMinusDecay = step < 1
            ? -ExpM1(Steps * Log1P(-step))
            : 1 - Math.Pow(1 - step, Steps);
        return oneMinusDecay / lambda;
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
