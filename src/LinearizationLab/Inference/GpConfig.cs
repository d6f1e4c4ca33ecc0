using System.Text.Json;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Linearization;

namespace LinearizationLab.Inference;

/// <summary>
/// An infinite-width inference run as a config file names it (<c>lab gp --config C.json</c>): <c>arch</c> (a path
/// relative to the config, or an inline object), <c>data</c> (the same section as <c>lab train</c>), <c>noise</c>
/// (the diagonal regularizer σ² ≥ 0, default 0), and the NTK-GP training time: <c>time</c> ("infinity", the default,
/// or a gradient-flow time t ≥ 0), or <c>learning_rate</c> and <c>steps</c> for discrete gradient descent.
/// Times follow <see cref="TrainingTime"/>'s loss convention (½·mean over examples).
/// </summary>
/// <example>
/// <code>
/// { "arch": "archs/relu3.json", "noise": 1e-6, "time": "infinity",
///   "data": { "source": "mnist", "train_size": 1000, "test_size": 10000, "normalize": "unit_norm" } }
/// </code>
/// </example>
/// <param name="File">The config file.</param>
/// <param name="Arch">The network whose infinite-width kernels are used (hidden widths are ignored).</param>
/// <param name="Data">The train and test sets.</param>
/// <param name="NoiseVariance">σ² added to the diagonal of K(X,X) and Θ(X,X).</param>
/// <param name="Time">Training time of the NTK-GP.</param>
/// <param name="Raw">The config as written, stored with the results.</param>
public sealed record GpConfig(string File, ArchitectureSpec? Arch, DataSpec Data, double NoiseVariance, TrainingTime Time, JsonElement Raw)
{
    /// <summary>The hyperparameter search of <c>lab gp --search</c> (the <c>search</c> section), or null.</summary>
    public GpSearchSpec? Search { get; init; }

    /// <summary>Reads and validates a gp config file.</summary>
    public static GpConfig Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads and validates a gp config from its root section; every error names the file and field.</summary>
    public static GpConfig Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var search = s.Has("search") ? GpSearchSpec.Read(s.RequiredSection("search")) : null;
        var arch = search is not null && !s.Has("arch") ? null : ArchitectureReader.ReadField(s, out _);
        var data = DataSpec.Read(s.RequiredSection("data"));
        double noise = s.Double("noise", 0.0, min: 0);
        var time = ReadTime(s);
        s.RejectUnknownFields();
        return new GpConfig(s.File, arch, data, noise, time, s.Raw) { Search = search };
    }

    private static TrainingTime ReadTime(JsonSection s)
    {
        bool discrete = s.Has("learning_rate") || s.Has("steps");
        if (discrete)
        {
            if (s.Has("time")) throw s.Error("time", "give either time or learning_rate and steps, not both");
            double lr = s.Double("learning_rate", min: 0, minExclusive: true);
            long steps = s.Long("steps", min: 0);
            return TrainingTime.GradientDescent(lr, steps);
        }
        if (s.Element("time") is not { } t) return TrainingTime.Infinity;
        if (t.ValueKind == JsonValueKind.String)
        {
            return t.GetString()!.ToLowerInvariant() is "infinity" or "inf"
                ? TrainingTime.Infinity
                : throw s.Error("time", $"'{t.GetString()}' is neither \"infinity\" nor a number");
        }
        if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out double value) || !double.IsFinite(value))
            throw s.Error("time", "must be \"infinity\" or a number");
        if (value < 0) throw s.Error("time", $"must be ≥ 0 (got {value})");
        return TrainingTime.GradientFlow(value);
    }
}
