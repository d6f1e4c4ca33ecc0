namespace LinearizationLab.Experiments;

/// <summary>Names of the metrics a sweep records at each checkpoint (snake_case, as in run files and summary.csv).</summary>
public static class SweepMetrics
{
    /// <summary>‖Θ̂_t − Θ̂_0‖_F/‖Θ̂_0‖_F on the kernel examples (output-averaged).</summary>
    public const string KernelDrift = "kernel_drift";

    /// <summary>RMSE(f_t, f_lin_t) on the training set.</summary>
    public const string OutputRmseTrain = "output_rmse_train";

    /// <summary>RMSE(f_t, f_lin_t) on the test set.</summary>
    public const string OutputRmseTest = "output_rmse_test";

    /// <summary>RMSE(f_t, f_lin_t)/RMS(f_t) on the training set.</summary>
    public const string OutputRelativeRmseTrain = "output_relative_rmse_train";

    /// <summary>RMSE(f_t, f_lin_t)/RMS(f_t) on the test set.</summary>
    public const string OutputRelativeRmseTest = "output_relative_rmse_test";

    /// <summary>‖θ_t − θ_0‖/‖θ_0‖ of the network.</summary>
    public const string WeightChange = "weight_change";

    /// <summary>‖Θ̂_0 − Θ‖_F/‖Θ‖_F (a run-level value, repeated at every checkpoint for the tables).</summary>
    public const string NtkInitDistance = "ntk_init_distance";

    /// <summary>‖K̂_0 − K‖_F/‖K‖_F.</summary>
    public const string NngpInitDistance = "nngp_init_distance";

    /// <summary>
    /// ‖dΘ̂/dτ(0)‖_F/‖Θ̂_0‖_F for the gradient flow dθ/dτ = −∇L of ½·mean MSE (output-averaged, on the kernel examples):
    /// the kernel's relative velocity at initialization, a run-level value repeated at every checkpoint.
    /// </summary>
    public const string KernelVelocity = "kernel_velocity";

    /// <summary>η·t·<see cref="KernelVelocity"/>: the first-order prediction of <see cref="KernelDrift"/> after t GD steps at rate η.</summary>
    public const string KernelDriftPredicted = "kernel_drift_predicted";

    /// <summary>The model name of the Taylor model of order <paramref name="order"/> ≥ 2 in <see cref="Model"/> names ("taylor2", …).</summary>
    public static string TaylorModel(int order) => $"taylor{order}";

    /// <summary>
    /// RMSE(f_t, f_k,t) on <paramref name="split"/> ("train", "test") for the Taylor model of order k: <see cref="OutputRmseTrain"/>
    /// and <see cref="OutputRmseTest"/> for k = 1 (the linearization), "output_rmse_{split}_order{k}" above.
    /// </summary>
    public static string OutputRmse(string split, int order) => order == 1 ? $"output_rmse_{split}" : $"output_rmse_{split}_order{order}";

    /// <summary>‖Θ̂_k,t − Θ̂_0‖_F/‖Θ̂_0‖_F of the Taylor model of order k ≥ 2 (f_1's kernel never moves).</summary>
    public static string KernelDriftOfOrder(int order) => $"kernel_drift_order{order}";

    /// <summary>
    /// max over steps s ≤ t of L_s/L_0, the network's training loss (its batch loss under SGD) relative to the initial: above
    /// 1 when the loss rose on its way down, the signature of the catapult phase (Lewkowycz et al. 2020).
    /// </summary>
    public const string LossRise = "loss_rise";

    /// <summary>λ_max(Θ̂_t)/λ_max(Θ̂_0) of the output-averaged NTK on the kernel examples (below 1 after a catapult).</summary>
    public const string TopEigenvalueRatio = "top_eigenvalue_ratio";

    /// <summary>RMSE(f_t, f_hierarchy,t) on the training set: the network against the truncated NTK hierarchy at τ = η·t.</summary>
    public const string OutputRmseTrainHierarchy = "output_rmse_train_hierarchy";

    /// <summary>‖Θ_t − Θ_0‖_F/‖Θ_0‖_F of the hierarchy's kernel on the training set (output-averaged).</summary>
    public const string KernelDriftHierarchy = "kernel_drift_hierarchy";

    /// <summary>
    /// Whether <paramref name="metric"/> is a gap or drift of a comparator beyond the linearization (a Taylor model of order
    /// ≥ 2, or the hierarchy), fitted like the fixed metrics when present.
    /// </summary>
    public static bool IsComparatorGap(string metric) =>
        metric.StartsWith("kernel_drift_order", StringComparison.Ordinal) ||
        (metric.StartsWith("output_rmse_", StringComparison.Ordinal) && metric.Contains("_order", StringComparison.Ordinal)) ||
        metric is OutputRmseTrainHierarchy or KernelDriftHierarchy;

    /// <summary>Drift of the contribution of affine layer <paramref name="layer"/> (1-based).</summary>
    public static string LayerDrift(int layer) => $"kernel_drift_layer{layer}";

    /// <summary>Loss or accuracy of a model ("network", "linearized", "ntkgp") on a split ("train", "test").</summary>
    public static string Model(string model, string quantity, string split) => $"{model}_{split}_{quantity}";

    /// <summary>The metrics whose scaling with width the summary fits (at the last checkpoint).</summary>
    public static readonly string[] Fitted =
    [
        KernelDrift, OutputRmseTrain, OutputRmseTest, OutputRelativeRmseTest, WeightChange, NtkInitDistance, NngpInitDistance, KernelVelocity,
    ];
}
