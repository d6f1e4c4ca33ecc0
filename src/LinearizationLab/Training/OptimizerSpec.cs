namespace LinearizationLab.Training;

/// <summary>
/// Gradient descent with optional heavy-ball or Nesterov momentum μ and learning rate η
/// (PyTorch's convention: v ← μ·v + g; θ ← θ − η·v, or θ ← θ − η·(g + μ·v) for Nesterov).
/// <paramref name="BatchSize"/> null means full-batch gradient descent. When
/// <paramref name="CriticalFraction"/> is set, η is that fraction of the run's own
/// η_crit = 2N/λ_max(Θ̂0) and is filled in by <see cref="WithCriticalLearningRate"/>.
/// </summary>
public sealed record OptimizerSpec(double LearningRate, double Momentum = 0, bool Nesterov = false, int? BatchSize = null,
    double? CriticalFraction = null)
{
    /// <summary>Whether each step uses the whole training set.</summary>
    public bool IsFullBatch => BatchSize is null;

    /// <summary>"gd" or "sgd".</summary>
    public string Kind => IsFullBatch ? "gd" : "sgd";

    /// <summary>Whether η is known (absolute, or a fraction already multiplied by η_crit).</summary>
    public bool IsResolved => LearningRate > 0;

    /// <summary>This optimizer with η = <see cref="CriticalFraction"/> · <paramref name="criticalLearningRate"/> (unchanged when η is absolute).</summary>
    public OptimizerSpec WithCriticalLearningRate(double criticalLearningRate) =>
        CriticalFraction is { } f ? this with { LearningRate = f * criticalLearningRate } : this;
}
