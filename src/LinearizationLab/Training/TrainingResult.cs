namespace LinearizationLab.Training;

/// <summary>The outcome of a run: its checkpoints, the steps done, and whether (and where) it diverged.</summary>
public sealed record TrainingResult(
    IReadOnlyList<CheckpointMetrics> Checkpoints,
    int StepsCompleted,
    bool Diverged,
    int? DivergedAtStep,
    string? DivergenceReason,
    double WallSeconds);
