namespace LinearizationLab.Experiments;

/// <summary>
/// The metrics of the Taylor model f_k of order k ≥ 2 at a checkpoint of a sweep run (order 1 is the linearization's own
/// fields of <see cref="SweepCheckpoint"/>): its loss and accuracy, its output gap to the network, and its kernel's drift.
/// </summary>
/// <param name="Order">k.</param>
/// <param name="Model">Loss and accuracy of f_k (named "taylor{k}_…").</param>
/// <param name="OutputRmseTrain">RMSE(f_t, f_k,t) on the training set (<see cref="SweepMetrics.OutputRmse"/>).</param>
/// <param name="OutputRmseTest">RMSE(f_t, f_k,t) on the test set; null without one.</param>
/// <param name="KernelDrift">‖Θ̂_k,t − Θ̂_0‖_F/‖Θ̂_0‖_F on the kernel examples, output-averaged (<see cref="SweepMetrics.KernelDriftOfOrder"/>).</param>
public sealed record TaylorCheckpoint(int Order, ModelMetrics Model, double OutputRmseTrain, double? OutputRmseTest, double KernelDrift)
{
    /// <summary>The values with their names in run files, in file order (test gap left out without a test set).</summary>
    public IEnumerable<(string Name, double? Value)> Values()
    {
        foreach (var v in Model.Values(SweepMetrics.TaylorModel(Order))) yield return v;
        yield return (SweepMetrics.OutputRmse("train", Order), OutputRmseTrain);
        if (OutputRmseTest is { } test) yield return (SweepMetrics.OutputRmse("test", Order), test);
        yield return (SweepMetrics.KernelDriftOfOrder(Order), KernelDrift);
    }
}
