using System.Text.Json;
using System.Text.Json.Nodes;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;

namespace LinearizationLab.Runs;

/// <summary>
/// Executes one <see cref="RunConfig"/>: loads the data, builds the network from its seed, trains it,
/// and writes DIR/run.json atomically (config, per-checkpoint metrics, wall time).
/// </summary>
public static class TrainingRun
{
    /// <summary>The file name of a run's result inside its output directory.</summary>
    public const string ResultFileName = "run.json";

    /// <summary>Runs <paramref name="config"/> and writes <c>run.json</c> into <paramref name="outputDirectory"/>; returns the result.</summary>
    public static TrainingResult Execute(RunConfig config, string outputDirectory,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var (train, test) = config.Setup.Data.LoadFor(config.Setup.Arch);
        RunMemory.Training(config, train.Count, test.Count).EnsureFits(config.File, "arch", "the network");

        using var network = Network.Create(config.Setup.Arch, config.Seed, config.Setup.Settings);
        using var data = TrainingData.From(train, test, config.Setup.Settings);
        var options = config.TrainingOptions;
        double? criticalRate = null;
        if (config.Setup.Optimizer.CriticalFraction is not null)
        {
            criticalRate = CriticalLearningRate.Of(new EmpiricalNtk(network), data.X);
            options = options with { Optimizer = config.Setup.Optimizer.WithCriticalLearningRate(criticalRate.Value) };
        }
        var theta0 = config.Setup.Center ? network.CloneParameters() : [];
        using var centered = config.Setup.Center ? new CenteredModel(network, network, theta0, data.X, data.TestX) : null;
        var result = new Trainer(options).Train((ITrainableModel?)centered ?? network, data, progress: progress, cancel: cancel);
        foreach (var t in theta0) t.Dispose();

        var record = new JsonObject
        {
            ["config_file"] = Path.GetFullPath(config.File),
            ["config"] = JsonNode.Parse(config.Raw.GetRawText()),
            ["parameter_count"] = network.ParameterCount,
            ["learning_rate"] = options.Optimizer.LearningRate,
            ["critical_learning_rate"] = criticalRate,
            ["train_size"] = train.Count,
            ["test_size"] = test.Count,
            ["dtype"] = config.Setup.Settings.DTypeName,
            ["device"] = config.Setup.Settings.Device.ToString(),
            ["steps_completed"] = result.StepsCompleted,
            ["diverged"] = result.Diverged,
            ["diverged_at_step"] = result.DivergedAtStep,
            ["divergence_reason"] = result.DivergenceReason,
            ["wall_seconds"] = result.WallSeconds,
            ["checkpoints"] = CheckpointsJson(result.Checkpoints),
        };
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, ResultFileName),
            record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return result;
    }

    /// <summary>Checkpoint records as a JSON array (snake_case fields; nulls where a value does not apply).</summary>
    public static JsonArray CheckpointsJson(IEnumerable<CheckpointMetrics> checkpoints)
    {
        var array = new JsonArray();
        foreach (var c in checkpoints)
        {
            var o = new JsonObject
            {
                ["step"] = c.Step,
                ["train_loss"] = JsonNumber.Finite(c.TrainLoss),
                ["train_accuracy"] = c.TrainAccuracy,
                ["test_loss"] = JsonNumber.Finite(c.TestLoss),
                ["test_accuracy"] = c.TestAccuracy,
                ["wall_seconds"] = c.WallSeconds,
            };
            foreach (var (k, v) in c.Extra) o[k] = JsonNumber.Finite(v);
            array.Add(o);
        }
        return array;
    }
}
