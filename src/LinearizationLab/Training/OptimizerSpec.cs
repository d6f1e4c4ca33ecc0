namespace LinearizationLab.Training;

/// <summary>
/// Gradient descent with optional heavy-ball or Nesterov momentum μ and learning rate η
/// (PyTorch's convention: v ← μ·v + g; θ ← θ − η·v, or θ ← θ − η·(g + μ·v) for Nesterov).
/// <paramref name="BatchSize"/> null means full-batch gradient descent.
/// </summary>
public sealed record OptimizerSpec(double LearningRate, double Momentum = 0, bool Nesterov = false, int? BatchSize = null)
{
    /// <summary>Whether each step uses the whole training set.</summary>
    public bool IsFullBatch => BatchSize is null;

    /// <summary>"gd" or "sgd".</summary>
    public string Kind => IsFullBatch ? "gd" : "sgd";
}
