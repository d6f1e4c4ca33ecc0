using System.Globalization;
using System.Text;
using System.Text.Json;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Experiments;

/// <summary>
/// The scaling table of a sweep: for each metric at the last checkpoint, its log-log slope against
/// width with a 95% bootstrap interval over seeds and its prefactor (see <see cref="ScalingFit"/>).
/// Diverged runs are left out and counted.
/// </summary>
public sealed record SweepSummary(int Step, int Runs, int Diverged, IReadOnlyList<ScalingFit> Fits)
{
    /// <summary>
    /// Fits every value that its metric says is fitted against width (<see cref="Metrics.SweepMetricName.FitOrder"/>), in the
    /// slope table's order — within each grid point's runs when the sweep has a grid (each fit then names its
    /// <see cref="ScalingFit.Slice"/>).
    /// </summary>
    public static SweepSummary Build(IReadOnlyList<SweepRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var finished = runs.Where(r => !r.Diverged && r.Checkpoints.Count > 0).ToArray();
        int step = finished.Length == 0 ? 0 : finished.Max(r => r.Checkpoints[^1].Step);
        var fits = finished.GroupBy(r => r.GridPoint.Label).OrderBy(g => Array.IndexOf(runs.Select(r => r.GridPoint.Label).Distinct().ToArray(), g.Key))
            .SelectMany(g => FitsOf(g.ToArray(), step).Select(f => g.Key.Length == 0 ? f : f with { Slice = g.Key })).ToArray();
        return new SweepSummary(step, runs.Count, runs.Count(r => r.Diverged), fits);
    }

    private static IEnumerable<ScalingFit> FitsOf(IReadOnlyList<SweepRunResult> finished, int step)
    {
        var finals = finished.Where(r => r.Checkpoints[^1].Step == step).Select(r => (r.Width, Checkpoint: r.Checkpoints[^1])).ToArray();
        return finals.SelectMany(f => f.Checkpoint.Values).Select(v => v.Name).Distinct()
            .Select(name => (Name: name, Order: SweepMetricRegistry.FitOrder(name)))
            .Where(m => m.Order is not null).OrderBy(m => m.Order).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => ScalingFit.Fit(m.Name, finals
                .Where(f => f.Checkpoint[m.Name] is not null)
                .Select(f => (f.Width, f.Checkpoint[m.Name]!.Value))))
            .OfType<ScalingFit>().ToArray();
    }

    /// <summary>The table as aligned text: metric, slope, 95% interval, prefactor.</summary>
    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"scaling with width n at step {Step} ({Runs} runs, {Diverged} diverged): metric ≈ A·n^slope");
        sb.AppendLine($"{"metric",-30} {"slope",8} {"95% interval",20} {"A",10} {"widths",6}");
        string? slice = null;
        foreach (var f in Fits)
        {
            if (f.Slice is not null && f.Slice != slice) sb.AppendLine(CultureInfo.InvariantCulture, $"-- {slice = f.Slice}");
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{f.Metric,-30} {f.Slope,8:F3} {$"[{f.SlopeLow:F3}, {f.SlopeHigh:F3}]",20} {f.Prefactor,10:G3} {f.WidthCount,6}");
        }
        return sb.ToString();
    }

    /// <summary>summary.json text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SweepStore.Json);

    /// <summary>The name of the slope table's file in a sweep's output folder.</summary>
    public const string FileName = "summary.json";

    /// <summary>The summary.json of <paramref name="directory"/>, or null when it is missing or unreadable.</summary>
    public static SweepSummary? TryRead(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SweepSummary>(File.ReadAllText(path), SweepStore.Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>Writes summary.json and summary.csv into <paramref name="directory"/> from its runs; returns the summary.</summary>
    public static SweepSummary WriteFiles(string directory)
    {
        var runs = SweepStore.ReadAll(directory);
        var summary = Build(runs);
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), summary.ToJson());
        AtomicFile.WriteAllText(Path.Combine(directory, "summary.csv"), SweepStore.SummaryCsv(runs));
        return summary;
    }
}
