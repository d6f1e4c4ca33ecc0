namespace LinearizationLab.Linearization;

/// <summary>
/// How long a network has been trained under MSE: gradient flow for time τ, or full-batch gradient descent with
/// learning rate η for k steps (τ = η·k). <see cref="GradientDescentMse"/> turns it into outputs, with the loss
/// convention that fixes the time scale (½·mean over examples: neural-tangents' time t is t/O here).
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
}
