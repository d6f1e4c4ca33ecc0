using System.Text.Json;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Networks;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// One training run as a config file names it (<c>lab train --config C.json</c>): architecture (a path
/// relative to the config, or an inline object), data, loss, optimizer, steps, checkpoints, seed,
/// dtype and device. Every field is validated with an error naming the file and field.
/// </summary>
public sealed record RunConfig(
    string File,
    ArchitectureSpec Arch,
    DataSpec Data,
    Loss Loss,
    OptimizerSpec Optimizer,
    int Steps,
    IReadOnlyList<int> Checkpoints,
    long Seed,
    TensorSettings Settings,
    JsonElement Raw)
{
    /// <summary>Reads and validates a run config file.</summary>
    public static RunConfig Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads and validates a run config from its root section.</summary>
    public static RunConfig Read(JsonSection s)
    {
        var arch = ArchitectureReader.Read(s.FileOrSection("arch", "an arch.json"));
        var data = DataSpec.Read(s.RequiredSection("data"));
        var loss = Loss.FromName(s.String("loss", "mse", "mse", "cross_entropy"));
        if (loss.NeedsLabels && !data.HasClassLabels)
            throw s.Error("loss", $"cross_entropy needs class labels but data source {data.Source} is a regression set");
        var optimizer = ReadOptimizer(s.RequiredSection("optimizer"));
        int steps = s.Int("steps", min: 0, max: 100_000_000);
        var checkpoints = s.IntArray("checkpoints", min: 0) ?? CheckpointSchedule.LogSpaced(steps);
        var beyond = checkpoints.FirstOrDefault(c => c > steps, -1);
        if (beyond >= 0) throw s.Error("checkpoints", $"step {beyond} is beyond steps ({steps})");
        long seed = s.Long("seed", 0);
        var settings = TensorSettings.Read(s);
        s.RejectUnknownFields();
        return new RunConfig(s.File, arch, data, loss, optimizer, steps,
            checkpoints.Distinct().Order().ToArray(), seed, settings, s.Raw);
    }

    /// <summary>
    /// The <c>optimizer</c> section: {"type": "gd" | "sgd", "learning_rate": η or "learning_rate_fraction": η/η_crit,
    /// "momentum", "nesterov", "batch_size"}.
    /// </summary>
    public static OptimizerSpec ReadOptimizer(JsonSection o)
    {
        string type = o.String("type", "gd", "gd", "sgd");
        double? fraction = o.OptionalDouble("learning_rate_fraction", min: 0, minExclusive: true);
        double? lr = o.OptionalDouble("learning_rate", min: 0, minExclusive: true);
        if (lr is null == fraction is null)
            throw o.Error("learning_rate", "give exactly one of learning_rate and learning_rate_fraction (of η_crit = 2N/λ_max)");
        OptimizerSpec spec;
        if (type == "gd")
        {
            spec = new OptimizerSpec(lr ?? 0, CriticalFraction: fraction);
        }
        else
        {
            double momentum = o.Double("momentum", 0.0, min: 0, max: 1);
            if (momentum >= 1) throw o.Error("momentum", "must be below 1");
            spec = new OptimizerSpec(lr ?? 0, momentum, o.Bool("nesterov", false), o.Int("batch_size", min: 1), fraction);
            if (spec.Nesterov && momentum == 0) throw o.Error("nesterov", "needs a momentum above 0");
        }
        o.RejectUnknownFields();
        return spec;
    }

    /// <summary>The training options of this run.</summary>
    public TrainingOptions TrainingOptions => new(Loss, Optimizer, Steps, Checkpoints, Seed);
}
