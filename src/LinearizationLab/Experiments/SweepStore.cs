using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LinearizationLab.Experiments;

/// <summary>
/// The files of a sweep's output folder: runs/*.json (one per run, written atomically), summary.csv
/// (one row per run × checkpoint, for any other tool) and merging of shard folders.
/// </summary>
public static class SweepStore
{
    /// <summary>JSON settings of result files: snake_case names, indented, NaN written as a string.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes one run's result atomically.</summary>
    public static void Write(string path, SweepRunResult result) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(result, Json));

    /// <summary>The run stored at <paramref name="path"/>, or null when it is missing or unreadable (then it is run again).</summary>
    public static SweepRunResult? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<SweepRunResult>(File.ReadAllText(path), Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>Every run in <paramref name="directory"/>/runs, in sweep order.</summary>
    public static IReadOnlyList<SweepRunResult> ReadAll(string directory)
    {
        string runs = Path.Combine(directory, "runs");
        if (!Directory.Exists(runs)) return [];
        return Directory.GetFiles(runs, "*.json").Select(TryRead).OfType<SweepRunResult>()
            .OrderBy(r => r.GridPoint, GridPoint.Order).ThenBy(r => r.Width).ThenBy(r => r.Seed).ToArray();
    }

    /// <summary>
    /// The phases (<see cref="PhaseTimes"/>) summed over <paramref name="runs"/> (runs written before phases were recorded contribute nothing), largest
    /// first; null when no run has them.
    /// </summary>
    public static IReadOnlyList<(string Phase, double Seconds)>? PhaseTotals(IEnumerable<SweepRunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var run in runs)
            foreach (var (phase, s) in run.PhaseSeconds ?? new Dictionary<string, double>())
                sums[phase] = sums.GetValueOrDefault(phase) + s;
        return sums.Count == 0 ? null : sums.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToArray();
    }

    /// <summary>summary.csv: the grid axes (if any), width, seed, step and every metric that any run recorded, one row per run × checkpoint.</summary>
    public static string SummaryCsv(IReadOnlyList<SweepRunResult> runs)
    {
        var columns = runs.SelectMany(r => r.Checkpoints).SelectMany(c => c.Values).Select(v => v.Name)
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        var axes = SweepGrid.AxisNames.Where(a => runs.Any(r => r.Point?.ContainsKey(a) == true)).ToArray();
        var sb = new StringBuilder(string.Concat(axes.Select(a => a + ",")) + "width,seed,step," + string.Join(",", columns) + "\n");
        foreach (var run in runs)
        foreach (var c in run.Checkpoints)
        {
            foreach (string axis in axes) sb.Append(run.Point?.GetValueOrDefault(axis)).Append(',');
            sb.Append(CultureInfo.InvariantCulture, $"{run.Width},{run.Seed},{c.Step}");
            foreach (var col in columns)
                sb.Append(',').Append(c[col] is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Copies the run files (and sweep.json, config.json) of several shard folders into <paramref name="target"/>; a run present twice must be identical in width and seed.</summary>
    public static int Merge(IEnumerable<string> sources, string target)
    {
        string targetRuns = Path.Combine(target, "runs");
        Directory.CreateDirectory(targetRuns);
        int copied = 0;
        string? hash = null;
        foreach (string source in sources)
        {
            string runs = Path.Combine(source, "runs");
            if (!Directory.Exists(runs))
                throw new InvalidInputException(source, "runs", "no runs/ folder: not a sweep output");
            foreach (string file in Directory.GetFiles(runs, "*.json"))
            {
                var run = TryRead(file) ?? throw new InvalidInputException(file, "(file)", "not a readable run result");
                hash ??= run.ConfigHash;
                if (run.ConfigHash != hash)
                    throw new InvalidInputException(file, "config_hash", $"made with another config ({run.ConfigHash}) than the runs before it ({hash})");
                // The ensemble's outputs first, as a sweep writes them, so a copied JSON always has its outputs beside it.
                string outputs = SweepEnsemble.OutputsPath(file);
                if (File.Exists(outputs))
                    AtomicFile.WriteAllBytes(SweepEnsemble.OutputsPath(Path.Combine(targetRuns, Path.GetFileName(file))), File.ReadAllBytes(outputs));
                AtomicFile.WriteAllText(Path.Combine(targetRuns, Path.GetFileName(file)), JsonSerializer.Serialize(run, Json));
                copied++;
            }
            foreach (string name in new[] { SweepInfo.FileName, SweepSpec.ConfigFileName })   // the same in every shard of one sweep
            {
                string file = Path.Combine(source, name);
                if (File.Exists(file)) AtomicFile.WriteAllText(Path.Combine(target, name), File.ReadAllText(file));
            }
        }
        return copied;
    }
}
