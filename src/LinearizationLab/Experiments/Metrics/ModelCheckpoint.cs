using LinearizationLab.Training;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// One model (the network, its linearization or a Taylor model) at a checkpoint: its outputs on the training and the test
/// set, row-major [N·O] (empty without a test set), and its loss and accuracy there.
/// </summary>
/// <param name="Train">f(x_i)_o at index i·O + o on the training set.</param>
/// <param name="Test">The same on the test set; empty without one.</param>
/// <param name="Metrics">Loss and accuracy, as the trainer recorded them.</param>
public sealed record ModelCheckpoint(double[] Train, double[] Test, CheckpointMetrics Metrics)
{
    /// <summary>‖θ − θ0‖ of a model trained as a displacement from θ0 (the linearization), when it says so.</summary>
    public double? Displacement { get; init; }

    /// <summary>
    /// A model that has diverged before <paramref name="step"/> (η above its η_crit, where the network may still converge:
    /// the catapult phase): NaN outputs and losses, so every gap to it is NaN while the network's own metrics go on.
    /// </summary>
    public static ModelCheckpoint Diverged(int step, int trainOutputs, int testOutputs) => new(
        Enumerable.Repeat(double.NaN, trainOutputs).ToArray(), Enumerable.Repeat(double.NaN, testOutputs).ToArray(),
        new CheckpointMetrics(step, double.NaN, null, testOutputs > 0 ? double.NaN : null, null, 0));
}
