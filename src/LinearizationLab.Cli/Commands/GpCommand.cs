using LinearizationLab.Runs;
using LinearizationLab.Inference;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab gp --config C.json --out DIR</c>: NNGP posterior and NTK-GP predictions on a test set; writes DIR/gp.json.</summary>
public sealed class GpCommand : ConfigCommand
{
    /// <summary>Creates the command; <paramref name="cancel"/> stops it between kernel blocks.</summary>
    public GpCommand(CancellationToken cancel)
        : base("gp", "Infinite-width inference: NNGP posterior and NTK-GP predictions on a test set; writes DIR/gp.json",
            "GP config: arch, data, noise, and the time of the NTK-GP (t, ∞, or GD learning rate × steps)",
            "Output folder for gp.json (created if needed)", cancel)
    {
    }

    /// <inheritdoc/>
    protected override int Run(string configPath, string output, CancellationToken cancel)
    {
        var config = GpConfig.Load(configPath);
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
