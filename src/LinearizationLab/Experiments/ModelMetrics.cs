namespace LinearizationLab.Experiments;

/// <summary>
/// Loss and accuracy of one model (the network, its linearization or the NTK-GP mean) at a checkpoint of a sweep
/// run, on the training and the test set. Losses are those of the sweep's loss (½·mean‖f − y‖² for MSE); an accuracy
/// is null for a set without labels, and test values are null without a test set.
/// </summary>
public sealed record ModelMetrics(double TrainLoss, double? TrainAccuracy, double? TestLoss, double? TestAccuracy)
{
    /// <summary>The four values with their names in run files ("{model}_{split}_{quantity}", see <see cref="SweepMetrics.Model"/>), in file order.</summary>
    public IEnumerable<(string Name, double? Value)> Values(string model)
    {
        yield return (SweepMetrics.Model(model, "loss", "train"), TrainLoss);
        yield return (SweepMetrics.Model(model, "accuracy", "train"), TrainAccuracy);
        yield return (SweepMetrics.Model(model, "loss", "test"), TestLoss);
        yield return (SweepMetrics.Model(model, "accuracy", "test"), TestAccuracy);
    }
}
