using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LinearizationLab.Experiments;

/// <summary>
/// The metrics of one sweep run at one checkpoint (one object of a run file's "checkpoints", one row of
/// summary.csv). Code reads the properties; what must go by name (summary.csv columns, the slope fits, the figures)
/// reads <see cref="Values"/>, the one place that maps names (<see cref="SweepMetrics"/>) to properties, in file order.
/// A value that was not computed (no test set, no labels, no NTK-GP for the loss or optimizer) is left out of the
/// file, except the network's and the linearization's accuracies and test values, which are written as null.
/// </summary>
[JsonConverter(typeof(SweepCheckpointJsonConverter))]
public sealed record SweepCheckpoint
{
    /// <summary>Number of updates done by both models.</summary>
    public int Step { get; init; }

    /// <summary>Loss and accuracy of the network f(x; θ_t).</summary>
    public required ModelMetrics Network { get; init; }

    /// <summary>Loss and accuracy of the linearization f_lin_t = f_0 + J_0·(θ_t − θ_0), trained alongside.</summary>
    public required ModelMetrics Linearized { get; init; }

    /// <summary>‖θ_t − θ_0‖/‖θ_0‖ of the network (<see cref="SweepMetrics.WeightChange"/>).</summary>
    public double WeightChange { get; init; }

    /// <summary>‖Θ̂_t − Θ̂_0‖_F/‖Θ̂_0‖_F on the kernel examples, output-averaged (<see cref="SweepMetrics.KernelDrift"/>).</summary>
    public double KernelDrift { get; init; }

    /// <summary>
    /// ‖Θ̂_t^(l) − Θ̂_0^(l)‖_F/‖Θ̂_0^(l)‖_F of the contribution of each affine layer l = 1, 2, … in order
    /// (<see cref="SweepMetrics.LayerDrift"/>).
    /// </summary>
    public IReadOnlyList<double> LayerDrifts { get; init; } = [];

    /// <summary>‖Θ̂_0 − Θ‖_F/‖Θ‖_F, a run-level value repeated at every checkpoint for the tables (<see cref="SweepMetrics.NtkInitDistance"/>).</summary>
    public double NtkInitDistance { get; init; }

    /// <summary>‖K̂_0 − K‖_F/‖K‖_F, repeated at every checkpoint (<see cref="SweepMetrics.NngpInitDistance"/>).</summary>
    public double NngpInitDistance { get; init; }

    /// <summary>RMSE(f_t, f_lin_t) on the training set (<see cref="SweepMetrics.OutputRmseTrain"/>).</summary>
    public double OutputRmseTrain { get; init; }

    /// <summary>RMSE(f_t, f_lin_t)/RMS(f_t) on the training set (<see cref="SweepMetrics.OutputRelativeRmseTrain"/>).</summary>
    public double OutputRelativeRmseTrain { get; init; }

    /// <summary>RMSE(f_t, f_lin_t) on the test set; null without one (<see cref="SweepMetrics.OutputRmseTest"/>).</summary>
    public double? OutputRmseTest { get; init; }

    /// <summary>RMSE(f_t, f_lin_t)/RMS(f_t) on the test set; null without one (<see cref="SweepMetrics.OutputRelativeRmseTest"/>).</summary>
    public double? OutputRelativeRmseTest { get; init; }

    /// <summary>max_(s ≤ t) L_s/L_0 of the network (<see cref="SweepMetrics.LossRise"/>); null in files made before it was recorded.</summary>
    public double? LossRise { get; init; }

    /// <summary>λ_max(Θ̂_t)/λ_max(Θ̂_0) (<see cref="SweepMetrics.TopEigenvalueRatio"/>); null in files made before it was recorded.</summary>
    public double? TopEigenvalueRatio { get; init; }

    /// <summary>The Taylor models of order ≥ 2 trained alongside (the sweep's <c>taylor_orders</c>), by increasing order.</summary>
    public IReadOnlyList<TaylorCheckpoint> Taylor { get; init; } = [];

    /// <summary>‖dΘ̂/dτ(0)‖_F/‖Θ̂_0‖_F under the gradient flow of the MSE loss; null for other losses (<see cref="SweepMetrics.KernelVelocity"/>).</summary>
    public double? KernelVelocity { get; init; }

    /// <summary>η·t·<see cref="KernelVelocity"/> for full-batch GD without momentum; null otherwise (<see cref="SweepMetrics.KernelDriftPredicted"/>).</summary>
    public double? KernelDriftPredicted { get; init; }

    /// <summary>RMSE(f_t, f_hierarchy,t) on the training set; null without <c>hierarchy</c> (<see cref="SweepMetrics.OutputRmseTrainHierarchy"/>).</summary>
    public double? HierarchyOutputRmseTrain { get; init; }

    /// <summary>The hierarchy's kernel drift on the training set; null without <c>hierarchy</c> (<see cref="SweepMetrics.KernelDriftHierarchy"/>).</summary>
    public double? HierarchyKernelDrift { get; init; }

    /// <summary>
    /// Loss and accuracy of the NTK-GP mean at the same time t (MSE with full-batch gradient descent only; null
    /// otherwise). Its losses are the MSE; its accuracies and test values are null (and left out of the file) without
    /// labels or a test set.
    /// </summary>
    public ModelMetrics? NtkGp { get; init; }

    /// <summary>
    /// Every metric with its name as in run files and summary.csv, in file order (without the step). Values that are
    /// left out of the file are left out here; the network's and the linearization's are always there, maybe null.
    /// </summary>
    public IEnumerable<(string Name, double? Value)> Values()
    {
        foreach (var v in Network.Values("network")) yield return v;
        foreach (var v in Linearized.Values("linearized")) yield return v;
        yield return (SweepMetrics.WeightChange, WeightChange);
        yield return (SweepMetrics.KernelDrift, KernelDrift);
        for (int l = 0; l < LayerDrifts.Count; l++) yield return (SweepMetrics.LayerDrift(l + 1), LayerDrifts[l]);
        yield return (SweepMetrics.NtkInitDistance, NtkInitDistance);
        yield return (SweepMetrics.NngpInitDistance, NngpInitDistance);
        yield return (SweepMetrics.OutputRmseTrain, OutputRmseTrain);
        yield return (SweepMetrics.OutputRelativeRmseTrain, OutputRelativeRmseTrain);
        if (OutputRmseTest is { } rmse) yield return (SweepMetrics.OutputRmseTest, rmse);
        if (OutputRelativeRmseTest is { } relative) yield return (SweepMetrics.OutputRelativeRmseTest, relative);
        if (LossRise is { } rise) yield return (SweepMetrics.LossRise, rise);
        if (TopEigenvalueRatio is { } top) yield return (SweepMetrics.TopEigenvalueRatio, top);
        foreach (var taylor in Taylor)
            foreach (var v in taylor.Values()) yield return v;
        if (KernelVelocity is { } velocity) yield return (SweepMetrics.KernelVelocity, velocity);
        if (KernelDriftPredicted is { } predicted) yield return (SweepMetrics.KernelDriftPredicted, predicted);
        if (HierarchyOutputRmseTrain is { } hierarchyGap) yield return (SweepMetrics.OutputRmseTrainHierarchy, hierarchyGap);
        if (HierarchyKernelDrift is { } hierarchyDrift) yield return (SweepMetrics.KernelDriftHierarchy, hierarchyDrift);
        if (NtkGp is not null)
            foreach (var (name, value) in NtkGp.Values("ntkgp"))
                if (value is not null) yield return (name, value);
    }

    /// <summary>The value of the metric named <paramref name="metric"/>, or null when this checkpoint has none.</summary>
    public double? this[string metric] => Values().FirstOrDefault(v => v.Name == metric).Value;

    /// <summary>
    /// The checkpoint whose <see cref="Values"/> are <paramref name="values"/> (the inverse of <see cref="Values"/>,
    /// as read from a run file); throws <see cref="JsonException"/> on an unknown name or a required value missing.
    /// </summary>
    public static SweepCheckpoint FromValues(int step, IEnumerable<(string Name, double? Value)> values)
    {
        var byName = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            if (!byName.TryAdd(name, value)) throw new JsonException(At(step, $"\"{name}\" given twice"));
        var known = new HashSet<string>(StringComparer.Ordinal);
        double? Optional(string name) { known.Add(name); return byName.GetValueOrDefault(name); }
        double Required(string name) => Optional(name) ?? throw new JsonException(At(step, $"\"{name}\" missing or null"));
        ModelMetrics? Model(string model, bool required)
        {
            if (!required && !byName.ContainsKey(SweepMetrics.Model(model, "loss", "train"))) return null;
            return new ModelMetrics(Required(SweepMetrics.Model(model, "loss", "train")), Optional(SweepMetrics.Model(model, "accuracy", "train")),
                Optional(SweepMetrics.Model(model, "loss", "test")), Optional(SweepMetrics.Model(model, "accuracy", "test")));
        }
        var taylor = new List<TaylorCheckpoint>();
        for (int order = 2; order <= Linearization.TaylorizedNetwork.MaxOrder; order++)
            if (byName.ContainsKey(SweepMetrics.OutputRmse("train", order)))
                taylor.Add(new TaylorCheckpoint(order, Model(SweepMetrics.TaylorModel(order), required: true)!,
                Required(SweepMetrics.OutputRmse("train", order)), Optional(SweepMetrics.OutputRmse("test", order)),
                Required(SweepMetrics.KernelDriftOfOrder(order))));
        var layers = new List<double>();
        while (byName.ContainsKey(SweepMetrics.LayerDrift(layers.Count + 1))) layers.Add(Required(SweepMetrics.LayerDrift(layers.Count + 1)));
        var checkpoint = new SweepCheckpoint
        {
            Step = step,
            Network = Model("network", required: true)!,
            Linearized = Model("linearized", required: true)!,
            WeightChange = Required(SweepMetrics.WeightChange),
            KernelDrift = Required(SweepMetrics.KernelDrift),
            LayerDrifts = layers,
            NtkInitDistance = Required(SweepMetrics.NtkInitDistance),
            NngpInitDistance = Required(SweepMetrics.NngpInitDistance),
            OutputRmseTrain = Required(SweepMetrics.OutputRmseTrain),
            OutputRelativeRmseTrain = Required(SweepMetrics.OutputRelativeRmseTrain),
            OutputRmseTest = Optional(SweepMetrics.OutputRmseTest),
            OutputRelativeRmseTest = Optional(SweepMetrics.OutputRelativeRmseTest),
            LossRise = Optional(SweepMetrics.LossRise),
            TopEigenvalueRatio = Optional(SweepMetrics.TopEigenvalueRatio),
            Taylor = taylor,
            KernelVelocity = Optional(SweepMetrics.KernelVelocity),
            KernelDriftPredicted = Optional(SweepMetrics.KernelDriftPredicted),
            HierarchyOutputRmseTrain = Optional(SweepMetrics.OutputRmseTrainHierarchy),
            HierarchyKernelDrift = Optional(SweepMetrics.KernelDriftHierarchy),
            NtkGp = Model("ntkgp", required: false),
        };
        if (byName.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            throw new JsonException(At(step, $"unknown metric \"{unknown}\""));
        return checkpoint;
    }

    private static string At(int step, string reason) => string.Create(CultureInfo.InvariantCulture, $"checkpoint at step {step}: {reason}");
}
