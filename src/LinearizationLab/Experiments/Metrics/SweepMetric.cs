namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// One metric a sweep records at each checkpoint of each run: the names of its values as run files and summary.csv spell
/// them (<see cref="Names"/>, each saying whether the slope table fits it against width), whether it applies to a run, and
/// how its values follow from what one checkpoint shows (<see cref="CheckpointView"/>). Every concrete subclass in this
/// assembly is registered (<see cref="SweepMetricRegistry"/>) and written where its <see cref="SweepMetricOrderAttribute"/>
/// places it; a family (per Taylor order, per layer, per split) is one metric with several values.
/// </summary>
public abstract class SweepMetric
{
    /// <summary>The names (or name patterns) of the values <see cref="Compute"/> yields, in the order it yields them.</summary>
    public abstract IReadOnlyList<SweepMetricName> Names { get; }

    /// <summary>Whether this metric is recorded at <paramref name="view"/>'s checkpoint (e.g. MSE only, with a test set); true by default.</summary>
    public virtual bool AppliesTo(CheckpointView view) => true;

    /// <summary>
    /// The values at <paramref name="view"/>'s checkpoint, named as in run files, in file order. A null value is written as
    /// null; a value that does not exist at this checkpoint is not yielded (and so left out of the file).
    /// </summary>
    public abstract IEnumerable<(string Name, double? Value)> Compute(CheckpointView view);

    /// <summary>Whether <paramref name="name"/> is one of this metric's names.</summary>
    public bool Owns(string name) => Names.Any(n => n.Matches(name));
}
