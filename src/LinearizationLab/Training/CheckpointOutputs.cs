namespace LinearizationLab.Training;

/// <summary>
/// A model's outputs at a checkpoint, as float64 values on the host, row-major [N·O] (i·O + o): on the training set, and on
/// the test set (empty without one). They are the outputs the checkpoint's losses were computed from.
/// </summary>
public sealed record CheckpointOutputs(double[] Train, double[] Test);
