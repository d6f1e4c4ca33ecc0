namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// Where a metric's values stand in each checkpoint of a run file (<see cref="SweepMetricRegistry.Metrics"/>); metrics
/// without one come last, by type name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SweepMetricOrderAttribute(int order) : Attribute
{
    /// <summary>Smaller comes first.</summary>
    public int Order { get; } = order;
}
