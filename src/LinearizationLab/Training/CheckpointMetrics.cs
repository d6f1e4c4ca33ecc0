namespace LinearizationLab.Training;

/// <summary>
/// Metrics of a model after <paramref name="Step"/> updates. Accuracies are null for sets without
/// labels; test values are null without a test set. <see cref="Extra"/> holds what a caller's
/// checkpoint hook adds (kernel drift, distances to other models, …).
/// </summary>
public sealed record CheckpointMetrics(
    int Step,
    double TrainLoss,
    double? TrainAccuracy,
    double? TestLoss,
    double? TestAccuracy,
    double WallSeconds)
{
    /// <summary>Further named metrics recorded at this checkpoint.</summary>
    public Dictionary<string, double> Extra { get; } = new();
}
