using LinearizationLab.Inference;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// Loss and accuracy of the NTK-GP mean at the same time t (MSE with full-batch gradient descent only): "ntkgp_{split}_{quantity}".
/// Its losses are the MSE; its accuracies (without labels) and test values (without a test set) are left out.
/// </summary>
[SweepMetricOrder(160)]
public sealed class NtkGpLossAndAccuracyMetric() : LossAndAccuracyMetric(ModelName)
{
    /// <summary>"ntkgp".</summary>
    public const string ModelName = "ntkgp";

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.NtkGpMean is not null;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var mean = view.NtkGpMean!;
        var (train, test) = (view.Context.Train, view.Context.Test);
        int n = train.Count, m = test.Count, o = train.OutputCount;
        var all = new double[(n + m) * o];
        Buffer.BlockCopy(mean, 0, all, 0, all.Length * sizeof(double));
        yield return (NameOf(ModelName, "loss", "train"), MeanSquaredError.Of(all.AsSpan(0, n * o), train.Targets, n));
        if (train.Labels is not null)
            yield return (NameOf(ModelName, "accuracy", "train"), RegressionClassifier.Accuracy(MatrixBlocks.Rows(mean, 0, n), train.Labels));
        if (m == 0) yield break;
        yield return (NameOf(ModelName, "loss", "test"), MeanSquaredError.Of(all.AsSpan(n * o), test.Targets, m));
        if (test.Labels is not null)
            yield return (NameOf(ModelName, "accuracy", "test"), RegressionClassifier.Accuracy(MatrixBlocks.Rows(mean, n, m), test.Labels));
    }
}
