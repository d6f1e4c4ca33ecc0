using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LinearizationLab.Experiments;
using LinearizationLab.Plotting;

namespace LinearizationLab.Runs;

/// <summary>
/// <c>lab coord-check</c>: the <see cref="CoordinateCheck"/> of a run config (its arch is the template whose hidden widths are
/// set, its data, loss and optimizer are used as they are) at the given widths, steps and seeds; writes DIR/coord-check.csv
/// (every size), DIR/coord-check.json (config, slopes, sizes) and the figure DIR/coord-check.png/svg.
/// </summary>
public static class CoordinateCheckRun
{
    /// <summary>Runs the check and writes its files into <paramref name="outputDirectory"/>.</summary>
    public static CoordinateCheckResult Execute(RunConfig config, IReadOnlyList<int> widths, int steps, int seeds, string outputDirectory,
        IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        CheckOptions(config, widths, steps, seeds);
        var (train, _) = config.Setup.Data.LoadFor(config.Setup.Arch);
        foreach (int width in widths)
            RunMemory.Training(config with { Setup = config.Setup with { Arch = config.Setup.Arch.WithHiddenWidth(width) } }, train.Count, 0)
                .EnsureFits(config.File, "arch", $"the network at width {width}");
        var result = CoordinateCheck.Run(config.Setup, widths, steps, Enumerable.Range(0, seeds).Select(s => config.Seed + s).ToArray(),
            train, progress, cancel);
        Directory.CreateDirectory(outputDirectory);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, "coord-check.csv"), Csv(result));
        var record = new JsonObject
        {
            ["config"] = JsonNode.Parse(config.Raw.GetRawText()),
            ["parameterization"] = config.Setup.Arch.Abc?.Name ?? (config.Setup.Arch.Parameterization == Layers.Parameterization.Ntk ? "ntk" : "standard"),
            ["widths"] = new JsonArray([.. result.Widths.Select(w => (JsonNode)w)]),
            ["steps"] = steps,
            ["seeds"] = seeds,
            ["layers"] = new JsonArray([.. result.Layers.Select(l => (JsonNode)l)]),
            ["slopes"] = new JsonArray([.. result.Slopes.Select(s => (JsonNode)new JsonObject
            {
                ["layer"] = s.Layer, ["quantity"] = s.Quantity, ["step"] = s.Step, ["slope"] = s.Slope,
            })]),
        };
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, "coord-check.json"), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        CoordinateCheckFigure.Draw(result, Path.GetFileNameWithoutExtension(config.File), outputDirectory);
        return result;
    }

    /// <summary>Refuses, as bad input, fewer than two widths, a width, step count or seed count below 1, and an arch without a hidden width.</summary>
    public static void CheckOptions(RunConfig config, IReadOnlyList<int> widths, int steps, int seeds)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Distinct().Count() < 2) throw new InvalidInputException("command line", "--widths", "needs at least two different widths");
        if (widths.Any(w => w < 1)) throw new InvalidInputException("command line", "--widths", "widths are at least 1");
        if (steps < 1) throw new InvalidInputException("command line", "--steps", "must be at least 1");
        if (seeds < 1) throw new InvalidInputException("command line", "--seeds", "must be at least 1");
        if (!config.Setup.Arch.HasHiddenWidth)
            throw new InvalidInputException(config.File, "arch", "needs a hidden dense or conv layer whose width the check can vary");
    }

    /// <summary>The slope table: one row per layer and quantity, one column per step.</summary>
    public static string Table(CoordinateCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"layer",-12} {"quantity",-20}");
        for (int t = 0; t <= result.Steps; t++) sb.Append(CultureInfo.InvariantCulture, $" {"t=" + t,7}");
        sb.AppendLine();
        foreach (var group in result.Slopes.GroupBy(s => (s.Layer, s.Quantity)))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{result.Layers[group.Key.Layer - 1],-12} {group.Key.Quantity,-20}");
            for (int t = 0; t <= result.Steps; t++)
                sb.Append(group.FirstOrDefault(s => s.Step == t) is { } s ? string.Create(CultureInfo.InvariantCulture, $" {Math.Round(s.Slope, 2),7:+0.00;-0.00;0.00}") : $" {"",7}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Csv(CoordinateCheckResult result)
    {
        var sb = new StringBuilder("width,layer,layer_name,quantity,step,rms\n");
        foreach (var s in result.Sizes)
            sb.Append(CultureInfo.InvariantCulture, $"{s.Width},{s.Layer},{result.Layers[s.Layer - 1]},{s.Quantity},{s.Step},{s.Rms:R}\n");
        return sb.ToString();
    }
}
