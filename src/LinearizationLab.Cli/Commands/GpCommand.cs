using LinearizationLab.Inference;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab gp --config C.json --out DIR</c>: NNGP posterior and NTK-GP predictions on a test set; writes DIR/gp.json.</summary>
public static class GpCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, CancellationToken cancel)
    {
        var cl = new CommandLine(args, ["config", "out"], []);
        var config = GpConfig.Load(cl.Required("config"));
        string output = cl.Required("out");
        string time = double.IsPositiveInfinity(config.Time.Time) ? "t = ∞"
            : config.Time.IsDiscrete ? $"GD lr {config.Time.LearningRate:G4} × {config.Time.Steps} steps"
            : $"t = {config.Time.Time:G4}";
        Console.Error.WriteLine($"gp: {config.Arch.Layers.Count} layers, noise σ² {config.NoiseVariance:G3}, NTK-GP at {time}");
        var result = ConsoleProgress.Fraction("kernels",
            progress => GpExperiment.Execute(config, output, progress, cancel));
        Console.WriteLine($"train {result.TrainSize}, test {result.TestSize}");
        Console.WriteLine($"NNGP:   test MSE {result.Nngp.TestMse:G6}" + Accuracy(result.Nngp));
        Console.WriteLine($"NTK-GP: test MSE {result.Ntk.TestMse:G6}" + Accuracy(result.Ntk));
        Console.WriteLine($"wrote {Path.Combine(output, GpExperiment.ResultFileName)} " +
            $"({result.WallSeconds:F1} s, kernels {result.KernelSeconds:F1} s)");
        return 0;
    }

    private static string Accuracy(GpMetrics m) => m.TestAccuracy is { } a ? $", test accuracy {a:P2}" : "";
}
