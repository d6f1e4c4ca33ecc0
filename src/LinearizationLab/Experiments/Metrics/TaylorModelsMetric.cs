using LinearizationLab.Linearization;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// The Taylor models f_k of order k ≥ 2 trained alongside (the sweep's <c>taylor_orders</c>), for each k by increasing
/// order while f_k has not diverged: its loss and accuracy ("taylor{k}_{split}_{quantity}"), its output gap to the network
/// RMSE(f_t, f_k,t) ("output_rmse_{split}_order{k}", the test gap only with a test set) and its kernel's drift
/// ‖Θ̂_k,t − Θ̂_0‖_F/‖Θ̂_0‖_F on the kernel examples, output-averaged ("kernel_drift_order{k}"; f_1's kernel never moves).
/// </summary>
[SweepMetricOrder(110)]
public sealed class TaylorModelsMetric : SweepMetric
{
    /// <summary>The model name of f_k ("taylor2", …), in its loss and accuracy names and as its training phase.</summary>
    public static string ModelName(int order) => $"taylor{order}";

    /// <summary>
    /// RMSE(f_t, f_k,t) on <paramref name="split"/> ("train", "test"): <see cref="OutputGapMetric.RmseTrain"/> and
    /// <see cref="OutputGapMetric.RmseTest"/> for k = 1 (the linearization), "output_rmse_{split}_order{k}" above.
    /// </summary>
    public static string OutputRmse(string split, int order) => order == 1 ? $"output_rmse_{split}" : $"output_rmse_{split}_order{order}";

    /// <summary>The name of the kernel drift of f_k, k ≥ 2.</summary>
    public static string KernelDrift(int order) => $"kernel_drift_order{order}";

    /// <summary>The orders k ≥ 2 of the Taylor models recorded at <paramref name="checkpoint"/>, increasing.</summary>
    public static IEnumerable<int> OrdersIn(SweepCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Enumerable.Range(2, TaylorizedNetwork.MaxOrder - 1).Where(k => checkpoint.Contains(OutputRmse("train", k)));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } =
    [
        new("taylor{k}_{split}_{quantity}"),
        new("output_rmse_{split}_order{k}", SweepMetricName.ComparatorFits),
        new("kernel_drift_order{k}", SweepMetricName.ComparatorFits),
    ];

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        var network = view.Network;
        foreach (var taylor in view.Taylor)
        {
            foreach (var v in LossAndAccuracyMetric.ValuesOf(ModelName(taylor.Order), taylor.Model.Metrics)) yield return v;
            yield return (OutputRmse("train", taylor.Order), MatrixDistance.Rmse(network.Train, taylor.Model.Train));
            if (view.HasTestSet) yield return (OutputRmse("test", taylor.Order), MatrixDistance.Rmse(network.Test, taylor.Model.Test));
            yield return (KernelDrift(taylor.Order), MatrixDistance.RelativeFrobenius(taylor.Ntk, view.InitialNtk.Averaged));
        }
    }
}
