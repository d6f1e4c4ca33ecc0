using LinearizationLab.Experiments;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab train --config C.json --out DIR</c>: one run of a network; writes DIR/run.json.</summary>
public static class TrainCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, CancellationToken cancel)
    {
        var cl = new CommandLine(args, ["config", "out"], []);
        var config = RunConfig.Load(cl.Required("config"));
        string output = cl.Required("out");
        Console.Error.WriteLine(
            $"train: {config.Arch.Layers.Count} layers, {config.Optimizer.Kind} lr " +
            (config.Optimizer.CriticalFraction is { } f ? $"{f:G4} × η_crit" : $"{config.Optimizer.LearningRate:G4}") + ", " +
            $"{config.Steps} steps, {config.Settings.DTypeName} on {config.Settings.Device}");
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
