using LinearizationLab.Runs;
using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab train --config C.json --out DIR</c>: one run of a network; writes DIR/run.json.</summary>
public sealed class TrainCommand : ConfigCommand
{
    /// <summary>Creates the command; <paramref name="cancel"/> stops training at its next step.</summary>
    public TrainCommand(CancellationToken cancel)
        : base("train", "Train one network and its linearization from the same θ0; writes DIR/run.json with the metrics at each checkpoint",
            "Run config: arch (a path or an inline object), data, loss, optimizer, steps, seed, checkpoints, dtype, device",
            "Output folder for run.json (created if needed)", cancel)
    {
    }

    /// <inheritdoc/>
    protected override int Run(string configPath, string output, CancellationToken cancel)
    {
        var config = RunConfig.Load(configPath);
        Console.Error.WriteLine(
            $"train: {config.Setup.Arch.Layers.Count} layers, {config.Setup.Optimizer.Kind} lr " +
            (config.Setup.Optimizer.CriticalFraction is { } f ? $"{f:G4} × η_crit" : $"{config.Setup.Optimizer.LearningRate:G4}") + ", " +
            $"{config.Setup.Steps} steps, {config.Setup.Settings.DTypeName} on {config.Setup.Settings.Device}");
        var result = ConsoleProgress.Training("train",
            progress => TrainingRun.Execute(config, output, progress, cancel));
        var last = result.Checkpoints[^1];
        Console.WriteLine(result.Diverged
            ? $"diverged at step {result.DivergedAtStep}: {result.DivergenceReason}"
            : $"step {last.Step}: train loss {last.TrainLoss:G6}" +
              (last.TrainAccuracy is { } a ? $", train accuracy {a:P2}" : "") +
              (last.TestLoss is { } tl ? $", test loss {tl:G6}" : "") +
              (last.TestAccuracy is { } ta ? $", test accuracy {ta:P2}" : ""));
        Console.WriteLine($"wrote {Path.Combine(output, TrainingRun.ResultFileName)} ({result.WallSeconds:F1} s)");
        return 0;
    }
}
