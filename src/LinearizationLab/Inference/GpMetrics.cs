namespace LinearizationLab.Inference;

/// <summary>
/// How well one infinite-width predictor (NNGP posterior mean or NTK-GP mean) does on a test set.
/// </summary>
/// <param name="TestMse">The project's loss (<see cref="Training.MeanSquaredError"/>) ½·(1/M)·Σ_i ‖f(x_i) − y_i‖² over the M test examples.</param>
/// <param name="TestAccuracy">Fraction of test examples whose argmax output is the label; null for regression data.</param>
public sealed record GpMetrics(double TestMse, double? TestAccuracy);
