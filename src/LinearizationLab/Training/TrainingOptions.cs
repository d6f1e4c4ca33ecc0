namespace LinearizationLab.Training;

/// <summary>
/// How to train: loss, optimizer, number of updates, the steps at which metrics are recorded
/// (0 = initialization), and the seed of the minibatch shuffling.
/// </summary>
public sealed record TrainingOptions(Loss Loss, OptimizerSpec Optimizer, int Steps, IReadOnlyList<int> Checkpoints, long Seed);
