using System.Text.Json;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;

namespace LinearizationLab.Experiments;

/// <summary>
/// A width sweep (experiments/NAME.json): an architecture template whose hidden widths are replaced by
/// each entry of <c>widths</c>, trained for every seed together with its linearization. Fields: those of a run
/// (<see cref="TrainingSetup"/>: arch, data, loss, optimizer, steps, checkpoints, dtype, device; the checkpoints
/// always include 0 and steps) and the sweep's own: name, widths, seeds (a count or a list),
/// ntk_method (structured | jacobian | ntvp), kernel_examples (training points on which kernels are
/// compared, default all), tracked_outputs (test points whose outputs are kept for plots), taylor_orders (the orders k of
/// the Taylor models f_k trained alongside the network, from 1 to 3, default [1]: order 1 is the linearization, always trained),
/// hierarchy (default false: integrate the NTK hierarchy truncated at O₄ beside the network; MSE, full-batch GD without
/// momentum, at most 32 training outputs N·O), grid (axes beyond width and seed, <see cref="SweepGrid"/>).
/// </summary>
public sealed record SweepSpec(
    string File,
    string Name,
    TrainingSetup Setup,
    IReadOnlyList<int> Widths,
    IReadOnlyList<long> Seeds,
    NtkMethod NtkMethod,
    int? KernelExamples,
    int TrackedOutputs,
    JsonElement Raw)
{
    /// <summary>The Taylor orders trained alongside the network, ascending; always starts with 1 (the linearization).</summary>
    public IReadOnlyList<int> TaylorOrders { get; init; } = [1];

    /// <summary>The axes beyond width and seed (<c>grid</c>); empty for a plain width sweep.</summary>
    public SweepGrid Grid { get; init; } = SweepGrid.Empty;

    /// <summary>Whether each run also integrates the truncated NTK hierarchy (<see cref="Linearization.NtkHierarchy"/>).</summary>
    public bool Hierarchy { get; init; }

    /// <summary>
    /// K, the members of each width's ensemble (Lee et al. 2020: the mean output of independently initialized networks), or null
    /// for none; with it every run keeps its test outputs at each checkpoint (<see cref="SweepEnsemble"/>).
    /// </summary>
    public int? Ensemble { get; init; }

    /// <summary>Reads and validates a sweep file.</summary>
    public static SweepSpec Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads and validates a sweep from its root section.</summary>
    public static SweepSpec Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string name = s.String("name", Path.GetFileNameWithoutExtension(s.File));
        var setup = TrainingSetup.Read(s, minSteps: 1, checkpointsPerDecade: 4);
        if (!setup.Arch.HasHiddenWidth)
            throw s.Error("arch", "needs at least one hidden dense or conv layer whose width the sweep can vary");
        int[] widths = s.IntArray("widths", min: 1) ?? throw s.Error("widths", "is required");
        if (widths.Length == 0) throw s.Error("widths", "must list at least one width");
        if (widths.Distinct().Count() != widths.Length) throw s.Error("widths", "has duplicates");
        var seeds = ReadSeeds(s);
        var method = EmpiricalNtk.ParseMethod(s.String("ntk_method", "structured", "structured", "jacobian", "ntvp"));
        int? kernelExamples = s.OptionalInt("kernel_examples", min: 2);
        int tracked = s.Int("tracked_outputs", 8, min: 0);
        int[] orders = s.IntArray("taylor_orders", min: 1, max: Linearization.TaylorizedNetwork.MaxOrder) ?? [1];
        if (orders.Length == 0) throw s.Error("taylor_orders", "must list at least one order (1 is the linearization)");
        if (orders.Distinct().Count() != orders.Length) throw s.Error("taylor_orders", "has duplicates");
        bool hierarchy = s.Bool("hierarchy", false);
        if (hierarchy && setup.Center)
            throw s.Error("hierarchy", "follows f(x; θ0) + ε, not the centered outputs; use it without \"center\": true");
        int? ensemble = ReadEnsemble(s, seeds.Length);
        var grid = SweepGrid.Read(s);
        if (grid.Axes.Any(a => a.Name == "depth") && !setup.Arch.HasDepth)
            throw s.Error("grid", "the depth axis needs a repeat block or a hidden dense/conv layer before the readout to repeat");
        if (grid.Axes.Any(a => a.Name == "residual_scale_exponent") && setup.Arch.ResidualBlockCount == 0)
            throw s.Error("grid", "the residual_scale_exponent axis needs a residual block in the architecture");
        if (grid.Axes.FirstOrDefault(a => a.Name == "normalize") is { } normalize && normalize.Values.Contains("zca")
            && setup.Data.Normalize != Data.NormalizationKind.Zca)
            throw s.Error("grid.normalize", "zca takes its ε from the data section: give data \"normalize\": \"zca\" with its \"zca_regularization\" (the axis's other values replace it)");
        if (hierarchy && grid.Axes.Any(a => a.Name == "center" && a.Values.Contains("true")))
            throw s.Error("hierarchy", "follows f(x; θ0) + ε, not the centered outputs; leave true out of the center axis");
        foreach (var point in grid.Points)
        {
            Architecture.ArchitectureSpec arch;
            try { arch = point.Apply(setup).Arch; }
            catch (ArgumentException e) when (point.Values.Any(v => v.Axis == "parameterization")) { throw s.Error("grid.parameterization", e.Message); }
            if (arch.ScalesLearningRates && hierarchy)
                throw s.Error("hierarchy", $"the hierarchy follows the flow with one learning rate for every tensor, but parameterization {arch.Abc!.Name} scales them per layer");
            if (arch.ScalesLearningRates && setup.Optimizer.WeightDecay > 0 && setup.LinearizationSpace == Linearization.LinearizationSpace.FunctionSpace)
                throw s.Error("linearization", $"function space with weight decay needs one learning rate for every tensor, but parameterization {arch.Abc!.Name} scales them per layer (use parameter_space or auto)");
            if (setup.LinearizationSpace == Linearization.LinearizationSpace.FunctionSpace
                && widths.Any(w => TrainingSetup.DecaysPerLayer(arch.WithHiddenWidth(w), setup.Optimizer)))
                throw s.Error("linearization", TrainingSetup.EffectiveDecayInFunctionSpace);
        }
        if (hierarchy && setup.Loss is not Training.MeanSquaredError)
            throw s.Error("hierarchy", "the NTK hierarchy is the gradient flow of the MSE loss; use \"loss\": \"mse\"");
        if (hierarchy && !setup.Optimizer.IsPlainGradientDescent)
            throw s.Error("hierarchy", "needs full-batch gradient descent without momentum or weight decay (\"type\": \"gd\"), whose steps follow the flow");
        s.RejectUnknownFields();
        setup = setup with { Checkpoints = setup.Checkpoints.Append(0).Append(setup.Steps).Distinct().Order().ToArray() };
        return new SweepSpec(s.File, name, setup, widths.Order().ToArray(), seeds, method, kernelExamples, tracked, s.Raw)
        {
            TaylorOrders = orders.Append(1).Distinct().Order().ToArray(),
            Hierarchy = hierarchy,
            Grid = grid,
            Ensemble = ensemble,
        };
    }

    /// <summary><c>ensemble</c>: a member count K (2 … the number of seeds) or "all" (every seed); absent: none.</summary>
    private static int? ReadEnsemble(JsonSection s, int seeds)
    {
        if (s.Element("ensemble") is not { } e) return null;
        if (e.ValueKind == JsonValueKind.String)
            return s.String("ensemble", null, "all") == "all" && seeds >= 2 ? seeds : throw s.Error("ensemble", "an ensemble needs at least 2 seeds");
        int k = s.Int("ensemble", min: 2);
        if (k > seeds) throw s.Error("ensemble", $"{k} members, but the sweep has {seeds} seeds (a member is a seed)");
        return k;
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
            foreach (var key in new[] { "name", "widths", "seeds", "grid" }) node.Remove(key);
            if (Setup.ArchFile is not null) node["arch"] = System.IO.File.ReadAllText(Setup.ArchFile);
            var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
            return Convert.ToHexString(bytes)[..16].ToLowerInvariant();
        }
    }

    /// <summary>The name of the copy of the config that a sweep keeps in its output folder (<see cref="ToJson"/>).</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>
    /// The config as it was given, indented, with an <c>arch</c> path replaced by that file's JSON, so that the copy in the
    /// output folder (<see cref="ConfigFileName"/>) says everything the runs were made with.
    /// </summary>
    public string ToJson()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Raw.GetRawText())!.AsObject();
        if (Setup.ArchFile is not null) node["arch"] = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(Setup.ArchFile));
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The runs of the sweep in a fixed order (grid point, then width, then seed), each with its index.</summary>
    public IReadOnlyList<SweepRunKey> Runs =>
        Grid.Points.SelectMany(point => Widths.SelectMany(w => Seeds.Select(s => (point, w, s))))
            .Select((p, i) => new SweepRunKey(i, p.w, p.s) { Point = p.point }).ToArray();

    /// <summary>The plain width sweep at grid point <paramref name="point"/>: its setup applied, no grid.</summary>
    public SweepSpec At(GridPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.IsOrigin ? this : this with { Setup = point.Apply(Setup), Grid = SweepGrid.Empty };
    }
}
