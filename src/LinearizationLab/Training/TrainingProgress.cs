namespace LinearizationLab.Training;

/// <summary>Progress of a training run: the step just finished, the total, and the latest training loss.</summary>
public readonly record struct TrainingProgress(int Step, int TotalSteps, double Loss);
