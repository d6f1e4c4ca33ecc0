using System.Collections.Concurrent;
using System.Reflection;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// Every metric a sweep records: the concrete <see cref="SweepMetric"/> types of this assembly, found once by reflection
/// and ordered by their <see cref="SweepMetricOrderAttribute"/>, so adding a metric is adding its file. Metrics defined in
/// other assemblies are not registered.
/// </summary>
public static class SweepMetricRegistry
{
    private static readonly Lazy<IReadOnlyList<SweepMetric>> Discovered = new(Discover);
    private static readonly ConcurrentDictionary<string, SweepMetricName?> NameOf = new(StringComparer.Ordinal);

    /// <summary>The registered metrics in run-file order.</summary>
    public static IReadOnlyList<SweepMetric> Metrics => Discovered.Value;

    /// <summary>
    /// The row of <paramref name="view"/>'s checkpoint: every metric that applies, in order, with its values. Throws
    /// <see cref="InvalidOperationException"/> when a metric yields a name that is not its own or one already given. With
    /// <paramref name="phases"/>, each metric's time is added to its phase (<see cref="PhaseTimes.MetricPhase"/>).
    /// </summary>
    public static SweepCheckpoint Evaluate(CheckpointView view, PhaseTimes? phases = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        var values = new List<(string Name, double? Value)>();
        foreach (var metric in Metrics.Where(m => m.AppliesTo(view)))
        {
            using var timed = phases?.Measure(PhaseTimes.MetricPhase(metric.GetType()));
            foreach (var (name, value) in metric.Compute(view))
            {
                if (!metric.Owns(name)) throw new InvalidOperationException($"{metric.GetType().Name} yielded \"{name}\", which is none of its names");
                values.Add((name, value));
            }
        }
        return new SweepCheckpoint(view.Step, values);
    }

    /// <summary>The registered name (or family pattern) that <paramref name="name"/> is, or null when no metric has it.</summary>
    public static SweepMetricName? Find(string name) =>
        NameOf.GetOrAdd(name, n => Metrics.SelectMany(m => m.Names).FirstOrDefault(p => p.Matches(n)));

    /// <summary>Whether the slope table fits <paramref name="name"/> against width, and its place there (see <see cref="SweepMetricName.FitOrder"/>).</summary>
    public static int? FitOrder(string name) => Find(name)?.FitOrder;

    private static IReadOnlyList<SweepMetric> Discover() =>
        typeof(SweepMetric).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(SweepMetric).IsAssignableFrom(t))
            .OrderBy(t => t.GetCustomAttribute<SweepMetricOrderAttribute>()?.Order ?? int.MaxValue).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (SweepMetric)Activator.CreateInstance(t)!)
            .ToArray();
}
