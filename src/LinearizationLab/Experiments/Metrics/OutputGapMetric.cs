namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// The output gap between the network and its linearization on each split: RMSE(f_t, f_lin_t) ("output_rmse_{split}") and
/// RMSE(f_t, f_lin_t)/RMS(f_t) ("output_relative_rmse_{split}"); the test values only with a test set.
/// </summary>
[SweepMetricOrder(80)]
public sealed class OutputGapMetric : SweepMetric
{
    /// <summary>"output_rmse_train".</summary>
    public const string RmseTrain = "output_rmse_train";

    /// <summary>"output_rmse_test".</summary>
    public const string RmseTest = "output_rmse_test";

    /// <summary>"output_relative_rmse_train".</summary>
    public const string RelativeRmseTrain = "output_relative_rmse_train";

    /// <summary>"output_relative_rmse_test".</summary>
    public const string RelativeRmseTest = "output_relative_rmse_test";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } =
        [new(RmseTrain, fitOrder: 2), new(RelativeRmseTrain), new(RmseTest, fitOrder: 3), new(RelativeRmseTest, fitOrder: 4)];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var (network, linearized) = (view.Network, view.Linearized);
        yield return (RmseTrain, MatrixDistance.Rmse(network.Train, linearized.Train));
        yield return (RelativeRmseTrain, MatrixDistance.Rmse(network.Train, linearized.Train) / MatrixDistance.Rms(network.Train));
        if (!view.HasTestSet) yield break;
        yield return (RmseTest, MatrixDistance.Rmse(network.Test, linearized.Test));
        yield return (RelativeRmseTest, MatrixDistance.Rmse(network.Test, linearized.Test) / MatrixDistance.Rms(network.Test));
    }
}
