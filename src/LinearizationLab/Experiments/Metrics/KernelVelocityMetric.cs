using LinearizationLab.Training;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// ‖dΘ̂/dτ(0)‖_F/‖Θ̂_0‖_F for the gradient flow dθ/dτ = −∇L of ½·mean MSE (output-averaged, on the kernel examples): the
/// kernel's relative velocity at initialization (the O₃·ε term of Dyer &amp; Gur-Ari 2019), a run-level value repeated at
/// every checkpoint; MSE sweeps only, and only where every tensor trains at η (the flow here has no per-layer rates).
/// </summary>
[SweepMetricOrder(120)]
public sealed class KernelVelocityMetric : SweepMetric
{
    /// <summary>"kernel_velocity".</summary>
    public const string Name = "kernel_velocity";

    /// <inheritdoc/>
    public override IReadOnlyList<SweepMetricName> Names { get; } = [new(Name, fitOrder: 8)];

    /// <inheritdoc/>
    public override bool AppliesTo(CheckpointView view) => view.Loss is MeanSquaredError && !view.HasLayerLearningRates;

    /// <inheritdoc/>
    public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view)
    {
        yield return (Name, Of(view));
    }

    /// <summary>The velocity at <paramref name="view"/>'s run.</summary>
    public static double Of(CheckpointView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return MatrixDistance.RelativeNorm(view.InitialNtkVelocity, view.InitialNtk.Averaged);
    }
}
