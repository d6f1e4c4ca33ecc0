using System.Text.Json;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Networks;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// A width sweep (experiments/NAME.json): an architecture template whose hidden widths are replaced by
/// each entry of <c>widths</c>, trained for every seed together with its linearization. Fields:
/// arch, widths, seeds (a count or a list), data, loss, optimizer (learning_rate or
/// learning_rate_fraction of η_crit), steps, checkpoints (default log-spaced), dtype, device,
/// ntk_method (structured | jacobian | ntvp), kernel_examples (training points on which kernels are
/// compared, default all), tracked_outputs (test points whose outputs are kept for plots).
/// </summary>
public sealed record SweepSpec(
    string File,
    string Name,
    ArchitectureSpec Template,
    IReadOnlyList<int> Widths,
    IReadOnlyList<long> Seeds,
    DataSpec Data,
    Loss Loss,
    OptimizerSpec Optimizer,
    int Steps,
    IReadOnlyList<int> Checkpoints,
    TensorSettings Settings,
    NtkMethod NtkMethod,
    int? KernelExamples,
    int TrackedOutputs,
    JsonElement Raw)
{
    /// <summary>Reads and validates a sweep file.</summary>
    public static SweepSpec Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads and validates a sweep from its root section.</summary>
    public static SweepSpec Read(JsonSection s)
    {
        string name = s.String("name", Path.GetFileNameWithoutExtension(s.File));
        var template = ArchitectureReader.Read(s.FileOrSection("arch", "an arch.json"));
        if (template.AffineLayerIndices.Count < 2)
            throw s.Error("arch", "needs at least one hidden dense or conv layer whose width the sweep can vary");
        int[] widths = s.IntArray("widths", min: 1) ?? throw s.Error("widths", "is required");
        if (widths.Length == 0) throw s.Error("widths", "must list at least one width");
        if (widths.Distinct().Count() != widths.Length) throw s.Error("widths", "has duplicates");
        var seeds = ReadSeeds(s);
        var data = DataSpec.Read(s.RequiredSection("data"));
        var loss = Loss.FromName(s.String("loss", "mse", "mse", "cross_entropy"));
        if (loss.NeedsLabels && !data.HasClassLabels)
            throw s.Error("loss", $"cross_entropy needs class labels but data source {data.Source} is a regression set");
        var optimizer = RunConfig.ReadOptimizer(s.RequiredSection("optimizer"));
        int steps = s.Int("steps", min: 1, max: 100_000_000);
        var checkpoints = s.IntArray("checkpoints", min: 0) ?? CheckpointSchedule.LogSpaced(steps, 4);
        int beyond = checkpoints.FirstOrDefault(c => c > steps, -1);
        if (beyond >= 0) throw s.Error("checkpoints", $"step {beyond} is beyond steps ({steps})");
        var settings = TensorSettings.Read(s);
        var method = EmpiricalNtk.ParseMethod(s.String("ntk_method", "structured", "structured", "jacobian", "ntvp"));
        int? kernelExamples = s.OptionalInt("kernel_examples", min: 2);
        int tracked = s.Int("tracked_outputs", 8, min: 0);
        s.RejectUnknownFields();
        return new SweepSpec(s.File, name, template, widths.Order().ToArray(), seeds, data, loss, optimizer, steps,
            checkpoints.Append(0).Append(steps).Distinct().Order().ToArray(), settings, method, kernelExamples, tracked, s.Raw);
    }

    private static long[] ReadSeeds(JsonSection s)
    {
        var e = s.Element("seeds") ?? throw s.Error("seeds", "is required (a count or a list)");
        if (e.ValueKind == JsonValueKind.Number)
        {
            if (!e.TryGetInt32(out int count) || count < 1) throw s.Error("seeds", "a count must be a positive integer");
            return Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
            throw s.Error("seeds", "must be a positive count or a non-empty list of integers");
        var seeds = e.EnumerateArray().Select((v, i) => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l
            : throw new InvalidInputException(s.File, $"{s.FieldPath("seeds")}[{i}]", "must be an integer")).ToArray();
        if (seeds.Distinct().Count() != seeds.Length) throw s.Error("seeds", "has duplicates");
        return seeds;
    }

    /// <summary>
    /// A fingerprint of everything that determines a run's numbers: the config without <c>name</c>, <c>widths</c> and
    /// <c>seeds</c> (a sweep may be extended by more widths or seeds), with an <c>arch</c> path replaced by the file's
    /// content. Runs on disk with another fingerprint are not reused.
    /// </summary>
    public string ConfigHash
    {
        get
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(Raw.GetRawText())!.AsObject();
            foreach (var key in new[] { "name", "widths", "seeds" }) node.Remove(key);
            if (node["arch"] is System.Text.Json.Nodes.JsonValue archPath && archPath.TryGetValue(out string? relative))
                node["arch"] = System.IO.File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(File))!, relative));
            var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
            return Convert.ToHexString(bytes)[..16].ToLowerInvariant();
        }
    }

    /// <summary>The runs of the sweep in a fixed order (width-major), each with its index.</summary>
    public IReadOnlyList<SweepRunKey> Runs =>
        Widths.SelectMany(w => Seeds.Select(s => (w, s))).Select((p, i) => new SweepRunKey(i, p.w, p.s)).ToArray();
}
