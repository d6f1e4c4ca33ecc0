using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LinearizationLab;

/// <summary>
/// Wall time spent in each named phase of a run (training steps of each model, checkpoint predictions, each metric, the
/// initial kernels), accumulated over every entry into the phase, in the order the phases were first entered. A sweep run
/// records it as <c>phase_seconds</c> (<c>NtkHierarchy</c> adds its own steps); <c>lab sweep</c> prints the sums over its
/// runs, so where the time of an experiment goes is read off its own output rather than from a profiler. Phases do not
/// nest: an enclosing phase is charged only what the phases inside it did not take (see <see cref="Time"/>). A lazily computed quantity (the checkpoint's Θ̂_t, the NTK-GP
/// mean) is charged to the first metric that asks for it.
/// </summary>
public sealed class PhaseTimes
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);

    /// <summary>Starts timing <paramref name="phase"/>; disposing the returned value adds the elapsed time to it.</summary>
    public Entry Measure(string phase) => new(this, phase, Stopwatch.GetTimestamp());

    /// <summary>Adds <paramref name="seconds"/> to <paramref name="phase"/>.</summary>
    public void Add(string phase, double seconds)
    {
        ArgumentNullException.ThrowIfNull(phase);
        if (!_seconds.TryGetValue(phase, out double before)) _order.Add(phase);
        _seconds[phase] = before + seconds;
    }

    /// <summary>
    /// Runs <paramref name="work"/> and charges to <paramref name="phase"/> the part of its time that the phases measured
    /// inside it did not take: all of it for a single computation, only the steps for a training loop whose checkpoints'
    /// predictions and metrics are timed on their own.
    /// </summary>
    public T Time<T>(string phase, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        double inner = Total;
        long start = Stopwatch.GetTimestamp();
        try { return work(); }
        finally { Add(phase, Stopwatch.GetElapsedTime(start).TotalSeconds - (Total - inner)); }
    }

    /// <summary>The time of all phases together.</summary>
    public double Total => _seconds.Values.Sum();

    /// <summary>Seconds per phase, in the order the phases were first entered.</summary>
    public IReadOnlyDictionary<string, double> Seconds => _order.ToDictionary(p => p, p => _seconds[p], StringComparer.Ordinal);

    /// <summary>The snake_case phase name of a metric type: <c>KernelDriftMetric</c> → <c>metric_kernel_drift</c>.</summary>
    public static string MetricPhase(Type metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        string name = metric.Name.EndsWith("Metric", StringComparison.Ordinal) ? metric.Name[..^"Metric".Length] : metric.Name;
        return "metric_" + JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
    }

    /// <summary>
    /// One line of <paramref name="totals"/>: the <paramref name="shown"/> largest phases with their share of the sum, and the
    /// rest together, e.g. <c>network_steps 412 s (58%), linearization_steps 120 s (17%), …, 6 others 21 s (3%)</c>.
    /// </summary>
    public static string Describe(IReadOnlyList<(string Phase, double Seconds)> totals, int shown = 6)
    {
        ArgumentNullException.ThrowIfNull(totals);
        double sum = totals.Sum(p => p.Seconds);
        string Part(string name, double s) =>
            string.Create(CultureInfo.InvariantCulture, $"{name} {s:0.#} s ({(sum > 0 ? 100 * s / sum : 0):0}%)");
        var parts = totals.Take(shown).Select(p => Part(p.Phase, p.Seconds)).ToList();
        if (totals.Count > shown) parts.Add(Part($"{totals.Count - shown} others", totals.Skip(shown).Sum(p => p.Seconds)));
        return string.Join(", ", parts);
    }

    /// <summary>A phase being timed; see <see cref="Measure"/>.</summary>
    public readonly struct Entry(PhaseTimes times, string phase, long start) : IDisposable
    {
        /// <summary>Adds the time since <see cref="Measure"/> to the phase.</summary>
        public void Dispose() => times.Add(phase, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
