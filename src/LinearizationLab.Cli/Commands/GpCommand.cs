using LinearizationLab.Runs;
using LinearizationLab.Inference;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab gp --config C.json --out DIR [--format npy|csv] [--search]</c>: NNGP posterior and NTK-GP predictions on a test set
/// (DIR/nngp_predictions and DIR/ntk_predictions, .csv or .npy, and DIR/gp.json), or
/// with --search the hyperparameter search of the config's <c>search</c> section (DIR/search.csv, search.json, search.png).
/// </summary>
public sealed class GpCommand : ConfigCommand
{
    private readonly System.CommandLine.Option<bool> _search = LabOptions.Flag("--search",
        "Search depth, σ_w², σ_b² and noise on a validation split (the config's search section), then test the best");

    private readonly System.CommandLine.Option<string> _format = LabOptions.Format("the test predictions");

    /// <summary>Creates the command; <paramref name="cancel"/> stops it between kernel blocks.</summary>
    public GpCommand(CancellationToken cancel)
        : base("gp", "Infinite-width inference: NNGP posterior and NTK-GP predictions on a test set; writes DIR/gp.json and the predictions",
            "GP config: arch, data, noise, and the time of the NTK-GP (t, ∞, or GD learning rate × steps)",
            "Output folder for gp.json and the predictions (created if needed)", cancel)
    {
        Options.Add(_search);
        Options.Add(_format);
    }

    /// <inheritdoc/>
    protected override int Run(string configPath, string output, CancellationToken cancel)
    {
        var config = GpConfig.Load(configPath);
        var format = Parsed is null ? null : LabOptions.FormatValue(Parsed, _format);
        if (Parsed?.GetValue(_search) == true) return Search(config, output, cancel);
        if (config.Arch is null)
            throw new InvalidInputException(configPath, "arch", "is required (a config with only a search section runs with lab gp --search)");
        string time = double.IsPositiveInfinity(config.Time.Time) ? "t = ∞"
            : config.Time.IsDiscrete ? $"GD lr {config.Time.LearningRate:G4} × {config.Time.Steps} steps"
            : $"t = {config.Time.Time:G4}";
        Console.Error.WriteLine($"gp: {config.Arch.Layers.Count} layers, noise σ² {config.NoiseVariance:G3}, NTK-GP at {time}");
        var result = ConsoleProgress.Fraction("kernels and solves",
            progress => GpExperiment.Execute(config, output, format, progress, cancel));
        Console.WriteLine($"train {result.TrainSize}, test {result.TestSize}");
        Console.WriteLine($"NNGP:   test MSE {result.Nngp.TestMse:G6}" + Accuracy(result.Nngp));
        Console.WriteLine($"NTK-GP: test MSE {result.Ntk.TestMse:G6}" + Accuracy(result.Ntk));
        Console.WriteLine($"wrote {string.Join(", ", result.PredictionFiles.Append(GpExperiment.ResultFileName))} to {output} " +
            $"({result.WallSeconds:F1} s, kernels {result.KernelSeconds:F1} s)");
        return 0;
    }

    private static int Search(GpConfig config, string output, CancellationToken cancel)
    {
        var search = config.Search ?? throw new InvalidInputException(config.File, "search", "is required for lab gp --search");
        Console.Error.WriteLine($"gp search: {search.Activation.Name}, depths {string.Join(",", search.Depths)}, " +
            $"{search.WeightVariances.Length} σ_w² × {search.BiasVariances.Length} σ_b² × {search.Noise.Length} noise, {search.ValidationSize} held out");
        var result = ConsoleProgress.Fraction("search", progress => GpSearch.Execute(config, output, progress, cancel));
        var best = result.Best;
        Console.WriteLine(System.FormattableString.Invariant(
            $"best: depth {best.Depth}, σ_w² {best.WeightVariance}, σ_b² {best.BiasVariance}, noise {best.Noise:G3}: validation accuracy {best.ValidationAccuracy:P2}"));
        Console.WriteLine($"test (trained on all {result.Test.TrainSize}): NNGP{Accuracy(result.Test.Nngp)}, NTK-GP{Accuracy(result.Test.Ntk)}");
        Console.WriteLine($"wrote search.csv, search.json and search.png to {output}");
        return 0;
    }

    private static string Accuracy(GpMetrics m) => m.TestAccuracy is { } a ? $", test accuracy {a:P2}" : "";
}
