using System.Globalization;
using System.Text.Json;
using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Experiments;

/// <summary>
/// The axes of a sweep beyond width and seed (the config's <c>grid</c> object): <c>depth</c> (number of hidden blocks of
/// the template), <c>parameterization</c> (a preset name), <c>learning_rate</c> (η) or <c>learning_rate_fraction</c> (η/η_crit), <c>w_std</c> and <c>b_std</c> (of every hidden affine layer),
/// <c>activation</c>, <c>center</c> (true or false: train f(x; θ) − f(x; θ0)) and <c>normalize</c> (the data's normalization:
/// none, unit_norm, standardize or zca, whose ε is the data section's). Each axis lists its values; the sweep runs every combination (a <see cref="GridPoint"/>) at every
/// width and seed. An empty grid is one point that changes nothing, so configs without <c>grid</c> run as before.
/// </summary>
public sealed record SweepGrid(IReadOnlyList<SweepAxis> Axes)
{
    /// <summary>The axis names, in the order points are labelled.</summary>
    public static readonly string[] AxisNames = ["parameterization", "depth", "residual_scale_exponent", "learning_rate", "learning_rate_fraction", "w_std", "b_std", "activation", "center", "normalize"];

    /// <summary>The values of the <c>normalize</c> axis, as the data section spells them.</summary>
    public static readonly string[] NormalizationNames = ["none", "unit_norm", "standardize", "zca"];

    /// <summary>No axes: a single point.</summary>
    public static SweepGrid Empty { get; } = new([]);

    /// <summary>Every combination of the axes' values, the first axis outermost.</summary>
    public IReadOnlyList<GridPoint> Points
    {
        get
        {
            IEnumerable<GridPoint> points = [GridPoint.Origin];
            foreach (var axis in Axes)
                points = points.SelectMany(p => axis.Values.Select(v => p.With(axis.Name, v))).ToArray();
            return points.ToArray();
        }
    }

    /// <summary>Reads the <c>grid</c> object (absent: <see cref="Empty"/>), validating every axis and value.</summary>
    public static SweepGrid Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var e = s.Element("grid");
        if (e is null) return Empty;
        if (e.Value.ValueKind != JsonValueKind.Object) throw s.Error("grid", "must be an object of axis: [values]");
        var axes = new List<SweepAxis>();
        foreach (var property in e.Value.EnumerateObject())
        {
            string field = $"grid.{property.Name}";
            if (!AxisNames.Contains(property.Name))
                throw new InvalidInputException(s.File, field, $"unknown axis (axes: {string.Join(", ", AxisNames)}; width and seed are the widths and seeds fields)");
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                throw new InvalidInputException(s.File, field, "must be a non-empty list of values");
            var values = property.Value.EnumerateArray().Select((v, i) => Value(property.Name, v, s.File, $"{field}[{i}]")).ToArray();
            if (values.Distinct().Count() != values.Length) throw new InvalidInputException(s.File, field, "has duplicates");
            axes.Add(new SweepAxis(property.Name, values));
        }
        if (axes.Count == 0) throw s.Error("grid", "names no axis (leave it out for a width sweep)");
        if (axes.Any(a => a.Name == "learning_rate") && axes.Any(a => a.Name == "learning_rate_fraction"))
            throw s.Error("grid.learning_rate", "give one of the learning_rate and learning_rate_fraction axes");
        return new SweepGrid(axes.OrderBy(a => Array.IndexOf(AxisNames, a.Name)).ToArray());
    }

    private static string Value(string axis, JsonElement v, string file, string field)
    {
        if (axis == "parameterization")
        {
            string name = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new InvalidInputException(file, field, "must be a parameterization name");
            return AbcParameterization.Presets.Contains(name) ? name
                : throw new InvalidInputException(file, field, $"unknown parameterization '{name}' ({string.Join(", ", AbcParameterization.Presets)})");
        }
        if (axis == "activation")
        {
            string name = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new InvalidInputException(file, field, "must be an activation name");
            return Activation.All.Any(a => a.Name == name) ? name
                : throw new InvalidInputException(file, field, $"unknown activation '{name}' ({string.Join(", ", Activation.All.Select(a => a.Name))})");
        }
        if (axis == "center")
            return v.ValueKind switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new InvalidInputException(file, field, "must be true or false"),
            };
        if (axis == "normalize")
        {
            string name = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new InvalidInputException(file, field, "must be a normalization name");
            return NormalizationNames.Contains(name) ? name
                : throw new InvalidInputException(file, field, $"unknown normalization '{name}' ({string.Join(", ", NormalizationNames)})");
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double x) || !double.IsFinite(x))
            throw new InvalidInputException(file, field, "must be a number");
        return axis switch
        {
            "depth" when x < 1 || x != Math.Floor(x) => throw new InvalidInputException(file, field, $"a depth is a whole number of hidden blocks, at least 1 (got {x.ToString(CultureInfo.InvariantCulture)})"),
            "learning_rate" or "learning_rate_fraction" or "w_std" when x <= 0 => throw new InvalidInputException(file, field, $"must be greater than 0 (got {x.ToString(CultureInfo.InvariantCulture)})"),
            "b_std" or "residual_scale_exponent" when x < 0 => throw new InvalidInputException(file, field, $"must be at least 0 (got {x.ToString(CultureInfo.InvariantCulture)})"),
            _ => x.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>One axis of a <see cref="SweepGrid"/>: its name and its values (numbers in round-trip invariant form, or activation names).</summary>
public sealed record SweepAxis(string Name, IReadOnlyList<string> Values);

/// <summary>
/// One combination of grid values (<see cref="SweepGrid.Points"/>), as (axis, value) pairs in the grid's axis order.
/// <see cref="Apply"/> turns the sweep's training setup into the point's.
/// </summary>
public sealed record GridPoint(IReadOnlyList<(string Axis, string Value)> Values)
{
    /// <summary>The point of an empty grid.</summary>
    public static GridPoint Origin { get; } = new([]);

    /// <summary>Whether the point sets nothing (a plain width sweep).</summary>
    public bool IsOrigin => Values.Count == 0;

    /// <summary>"depth=4, learning_rate_fraction=0.5" (empty at the origin).</summary>
    public string Label => string.Join(", ", Values.Select(v => $"{v.Axis}={v.Value}"));

    /// <summary>The file-name prefix: "depth4-learning_rate_fraction0.5-" (empty at the origin).</summary>
    public string FilePrefix => string.Concat(Values.Select(v => $"{v.Axis}{v.Value}-"));

    /// <summary>The value of <paramref name="axis"/>, or null when the point does not set it.</summary>
    public string? this[string axis] => Values.FirstOrDefault(v => v.Axis == axis).Value;

    /// <summary>This point with <paramref name="axis"/> set to <paramref name="value"/>.</summary>
    public GridPoint With(string axis, string value) => new([.. Values, (axis, value)]);

    /// <summary>
    /// The point's setup: the parameterization (a preset at the arch's base width), the depth (then the residual scale
    /// R^(−exponent) for that depth), hidden w_std/b_std and activation applied to the architecture, η or η/η_crit to the optimizer,
    /// centering to the models and the normalization to the data (ZCA with the data section's ε).
    /// </summary>
    public TrainingSetup Apply(TrainingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var arch = setup.Arch;
        var optimizer = setup.Optimizer;
        double Number(string axis) => double.Parse(this[axis]!, CultureInfo.InvariantCulture);
        if (this["parameterization"] is { } parameterization) arch = arch.WithParameterization(parameterization);
        if (this["depth"] is not null) arch = arch.WithDepth((int)Number("depth"));
        if (this["residual_scale_exponent"] is not null) arch = arch.WithResidualScaleExponent(Number("residual_scale_exponent"));
        if (this["w_std"] is not null || this["b_std"] is not null)
            arch = arch.WithHiddenVariances(this["w_std"] is null ? null : Number("w_std"), this["b_std"] is null ? null : Number("b_std"));
        if (this["activation"] is { } phi) arch = arch.WithActivation(Activation.ByName(phi));
        if (this["learning_rate"] is not null) optimizer = optimizer with { LearningRate = Number("learning_rate"), CriticalFraction = null };
        if (this["learning_rate_fraction"] is not null) optimizer = optimizer with { LearningRate = 0, CriticalFraction = Number("learning_rate_fraction") };
        var data = this["normalize"] is { } normalize ? setup.Data.WithNormalization(NormalizationKindOf(normalize)) : setup.Data;
        bool center = this["center"] is { } c ? c == "true" : setup.Center;
        return setup with { Arch = arch.ForOptimizer(optimizer.Adam is not null), Optimizer = optimizer, Data = data, Center = center };
    }

    /// <summary>The normalization a <c>normalize</c> axis value names.</summary>
    private static Data.NormalizationKind NormalizationKindOf(string name) => name switch
    {
        "unit_norm" => Data.NormalizationKind.UnitNorm,
        "standardize" => Data.NormalizationKind.Standardize,
        "zca" => Data.NormalizationKind.Zca,
        _ => Data.NormalizationKind.None,
    };

    /// <summary>Orders points axis by axis in the grid's axis order, numbers by value and names alphabetically.</summary>
    public static IComparer<GridPoint> Order { get; } = Comparer<GridPoint>.Create((a, b) =>
    {
        foreach (string axis in SweepGrid.AxisNames)
        {
            string? x = a[axis], y = b[axis];
            if (x == y) continue;
            if (x is null || y is null) return x is null ? -1 : 1;
            int c = double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double u) &&
                    double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? u.CompareTo(v) : string.CompareOrdinal(x, y);
            if (c != 0) return c;
        }
        return 0;
    });

    /// <summary>Equality by the (axis, value) pairs.</summary>
    public bool Equals(GridPoint? other) => other is not null && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override int GetHashCode() => Values.Aggregate(17, (h, v) => HashCode.Combine(h, v.Axis, v.Value));
}
