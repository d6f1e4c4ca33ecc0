using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Experiments;

/// <summary>
/// The metrics of one sweep run at one checkpoint (one object of a run file's "checkpoints", one row of summary.csv): the
/// step and the named values of every registered metric that applied (<see cref="SweepMetricRegistry.Evaluate"/>), in file
/// order. A value that was not computed (no test set, no labels, no NTK-GP for the loss or optimizer) is not in the row;
/// the network's, the linearization's and the Taylor models' accuracies and test values are, as null.
/// </summary>
[JsonConverter(typeof(SweepCheckpointJsonConverter))]
public sealed class SweepCheckpoint
{
    private readonly Dictionary<string, double?> _byName = new(StringComparer.Ordinal);

    /// <summary>The row of <paramref name="values"/> at <paramref name="step"/>; a name given twice is an <see cref="ArgumentException"/>.</summary>
    public SweepCheckpoint(int step, IEnumerable<(string Name, double? Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Step = step;
        Values = values.ToArray();
        foreach (var (name, value) in Values)
            if (!_byName.TryAdd(name, value)) throw new ArgumentException(At(step, $"\"{name}\" given twice"), nameof(values));
    }

    /// <summary>Number of updates done by every model.</summary>
    public int Step { get; }

    /// <summary>Every value with its name as in run files and summary.csv, in file order (without the step).</summary>
    public IReadOnlyList<(string Name, double? Value)> Values { get; }

    /// <summary>The value of the metric named <paramref name="metric"/>, or null when this checkpoint has none (or it is null).</summary>
    public double? this[string metric] => _byName.GetValueOrDefault(metric);

    /// <summary>Whether this checkpoint has a value (maybe null) named <paramref name="metric"/>.</summary>
    public bool Contains(string metric) => _byName.ContainsKey(metric);

    /// <summary>
    /// The checkpoint read from a run file: every name must be a registered metric's (<see cref="SweepMetricRegistry.Find"/>)
    /// and given once, else a <see cref="JsonException"/>.
    /// </summary>
    public static SweepCheckpoint FromValues(int step, IEnumerable<(string Name, double? Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var row = values.ToArray();
        if (row.FirstOrDefault(v => SweepMetricRegistry.Find(v.Name) is null).Name is { } unknown)
            throw new JsonException(At(step, $"unknown metric \"{unknown}\""));
        if (row.GroupBy(v => v.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new JsonException(At(step, $"\"{twice.Key}\" given twice"));
        return new SweepCheckpoint(step, row);
    }

    private static string At(int step, string reason) => string.Create(CultureInfo.InvariantCulture, $"checkpoint at step {step}: {reason}");
}
