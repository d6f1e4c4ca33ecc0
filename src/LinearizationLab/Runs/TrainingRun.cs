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
/// Executes one <see cref="RunConfig"/>: loads the data, builds the network from its seed, trains its linearization from the
/// same θ0 (in function space where that is exact and fits) and then the network with the same optimizer and batches, and
/// writes DIR/run.json atomically: config, per-checkpoint metrics of the network with the linearization's beside them
/// (<c>linearized_*</c> losses and accuracies, <c>output_rmse_train</c>/<c>_test</c> = RMSE(f_t, f_lin,t)), wall time.
/// </summary>
public static class TrainingRun
{
    /// <summary>The file name of a run's result inside its output directory.</summary>
    public const string ResultFileName = "run.json";

    /// <summary>
    /// Runs <paramref name="config"/> and writes <c>run.json</c> into <paramref name="outputDirectory"/>; returns the network's
    /// result. <paramref name="progress"/> counts the linearization's steps, then the network's (2·steps in all).
    /// </summary>
    public static TrainingResult Execute(RunConfig config, string outputDirectory,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var (train, test) = config.Setup.Data.LoadFor(config.Setup.Arch);
        RunMemory.Training(config, train.Count, test.Count).EnsureFits(config.File, "arch", "the network");

        using var network = Network.Create(config.Setup.Arch, config.Seed, config.Setup.Settings);
        using var data = TrainingData.From(train, test, config.Setup.Settings);
        var options = config.TrainingOptions;
        using var linearized = new LinearizedNetwork(network);
        using var functionSpace = FunctionSpaceLinearization.ForTraining(linearized, data, options.Optimizer, config.Setup.LinearizationSpace);
        double? criticalRate = null;
        if (config.Setup.Optimizer.CriticalFraction is not null)
        {
            // The function-space model's Θ̂0(X, X), when there is one, spares the NTK-vector products of a large N·O.
            criticalRate = CriticalLearningRate.Of(new EmpiricalNtk(network), data.X, kernel: functionSpace?.TrainKernel);
            options = options with { Optimizer = config.Setup.Optimizer.WithCriticalLearningRate(criticalRate.Value) };
        }
        var trainer = new Trainer(options);
        int steps = options.Steps;
        ITrainableModel linearModel = (ITrainableModel?)functionSpace ?? linearized;
        using var centeredLinear = config.Setup.Centered(linearModel, network, linearized.InitialParameters, data);
        var linear = new Dictionary<int, (CheckpointMetrics Record, double[] Train, double[] Test)>();
        var linResult = trainer.Train((ITrainableModel?)centeredLinear ?? linearModel, data,
            (record, outputs, _) => linear[record.Step] = (record, outputs.Train, outputs.Test),
            progress is null ? null : new ActionProgress<TrainingProgress>(p => progress.Report(p with { TotalSteps = 2 * steps })), cancel);

        using var centered = config.Setup.Centered(network, network, linearized.InitialParameters, data);
        var result = trainer.Train((ITrainableModel?)centered ?? network, data, (record, outputs, _) =>
            {
                if (!linear.TryGetValue(record.Step, out var lin)) return;   // the linearization diverged before this step
                record.Extra["linearized_train_loss"] = lin.Record.TrainLoss;
                if (lin.Record.TrainAccuracy is { } a) record.Extra["linearized_train_accuracy"] = a;
                if (lin.Record.TestLoss is { } l) record.Extra["linearized_test_loss"] = l;
                if (lin.Record.TestAccuracy is { } ta) record.Extra["linearized_test_accuracy"] = ta;
                record.Extra["output_rmse_train"] = MatrixDistance.Rmse(outputs.Train, lin.Train);
                if (data.TestX is not null)
                    record.Extra["output_rmse_test"] = MatrixDistance.Rmse(outputs.Test, lin.Test);
            },
            progress is null ? null : new ActionProgress<TrainingProgress>(p => progress.Report(p with { Step = steps + p.Step, TotalSteps = 2 * steps })),
            cancel);

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
            ["linearization"] = functionSpace is null ? "parameter_space" : "function_space",
            ["linearized_diverged"] = linResult.Diverged,
            ["linearized_divergence_reason"] = linResult.DivergenceReason,
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
