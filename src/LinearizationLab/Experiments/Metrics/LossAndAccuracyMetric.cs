using LinearizationLab.Training;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// Loss and accuracy of one model on the training and the test set, "{model}_{split}_{quantity}": losses are the sweep's
/// loss (½·mean‖f − y‖² for MSE); an accuracy is null for a set without labels, test values are null without a test set.
/// </summary>
public abstract class LossAndAccuracyMetric(string model) : SweepMetric
{
    /// <summary>The name of <paramref name="quantity"/> ("loss", "accuracy") of <paramref name="model"/> on <paramref name="split"/> ("train", "test").</summary>
    public static string NameOf(string model, string quantity, string split) => $"{model}_{split}_{quantity}";

    /// <summary>The model's name in its values' names.</summary>
    public string Model { get; } = model;

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new($"{model}_{{split}}_{{quantity}}")];

    /// <summary>The four values of <paramref name="metrics"/> named for <paramref name="model"/>, in file order (nulls included).</summary>
    public static IEnumerable<(string Name, double? Value)> ValuesOf(string model, CheckpointMetrics metrics)
    {
        yield return (NameOf(model, "loss", "train"), metrics.TrainLoss);
        yield return (NameOf(model, "accuracy", "train"), metrics.TrainAccuracy);
        yield return (NameOf(model, "loss", "test"), metrics.TestLoss);
        yield return (NameOf(model, "accuracy", "test"), metrics.TestAccuracy);
    }
}
