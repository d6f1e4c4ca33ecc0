namespace LinearizationLab.Training;

/// <summary>
/// Gradient descent with optional heavy-ball or Nesterov momentum μ, learning rate η and L2 weight decay λ
/// (PyTorch's convention: g ← ∇L + λ·(θ − θ_c); v ← μ·v + g; θ ← θ − η·v, or θ ← θ − η·(g + μ·v) for Nesterov),
/// where the decay's center θ_c is 0 or the initial parameters θ0 (<see cref="DecayCenter"/>).
/// <paramref name="BatchSize"/> null means full-batch gradient descent. When
/// <paramref name="CriticalFraction"/> is set, η is that fraction of the run's own
/// η_crit = 2N/λ_max(Θ̂0) and is filled in by <see cref="WithCriticalLearningRate"/>.
/// </summary>
public sealed record OptimizerSpec(double LearningRate, double Momentum = 0, bool Nesterov = false, int? BatchSize = null,
    double? CriticalFraction = null)
{
    /// <summary>λ of the L2 term ½λ‖θ − θ_c‖² added to the loss's gradient (not to the reported loss); 0 by default.</summary>
    public double WeightDecay { get; init; }

    /// <summary>θ_c, the point weight decay pulls toward: the origin (default) or the initialization θ0.</summary>
    public WeightDecayCenter DecayCenter { get; init; }

    /// <summary>Whether each step uses the whole training set.</summary>
    public bool IsFullBatch => BatchSize is null;

    /// <summary>"gd" or "sgd".</summary>
    public string Kind => IsFullBatch ? "gd" : "sgd";

    /// <summary>Whether η is known (absolute, or a fraction already multiplied by η_crit).</summary>
    public bool IsResolved => LearningRate > 0;

    /// <summary>
    /// Whether a step is θ ← θ − η·∇L on the whole training set and nothing else, the discrete dynamics that the closed
    /// forms (NTK-GP at time t, the kernel's predicted drift, the NTK hierarchy) describe.
    /// </summary>
    public bool IsPlainGradientDescent => IsFullBatch && Momentum == 0 && WeightDecay == 0;

    /// <summary>This optimizer with η = <see cref="CriticalFraction"/> · <paramref name="criticalLearningRate"/> (unchanged when η is absolute).</summary>
    public OptimizerSpec WithCriticalLearningRate(double criticalLearningRate) =>
        CriticalFraction is { } f ? this with { LearningRate = f * criticalLearningRate } : this;
}

/// <summary>Where L2 weight decay pulls the parameters (config field <c>weight_decay_center</c>).</summary>
public enum WeightDecayCenter
{
    /// <summary>θ_c = 0: the usual L2 regularization, ½λ‖θ‖².</summary>
    Zero,

    /// <summary>θ_c = θ0: ½λ‖θ − θ0‖², which on the linearization is kernel ridge regression with Θ̂0 in the gradient-flow limit.</summary>
    Init,
}
