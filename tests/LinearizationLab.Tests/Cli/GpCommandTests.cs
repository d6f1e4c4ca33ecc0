using System.Text.Json;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab gp</c>: it writes gp.json and the predictions and prints both predictors; bad input exits 2 leaving nothing behind.</summary>
[Collection("TorchSharp")]
public sealed class GpCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-gp-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Lab(params string[] args) => LabConsole.Run(args);

    private string Config(string extra)
    {
        string path = Path.Combine(_dir, "gp.json");
        File.WriteAllText(path, $$"""
            {"arch": {"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.4,"b_std":0.1},{"type":"relu"},{"type":"dense","width":1}]},
             "data": {"source":"sphere","dim":4,"train_size":16,"test_size":8} {{extra}} }
            """);
        return path;
    }

    [Fact]
    public void ATrainingSetWhoseKernelsCannotFitIsRefusedBeforeAnythingIsComputed()
    {
        // N = 200,000: one kernel's lower-triangular tiles alone are ≈ N²/2 float64 = 161 GB (whole 1024² tiles on the diagonal).
        string config = Config("");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"train_size\":16", "\"train_size\":200000"));
        string outDir = Path.Combine(_dir, "out");
        var (code, _, stderr) = Lab("gp", "--config", config, "--out", outDir);
        Assert.Equal(2, code);
        string error = Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
        Assert.StartsWith($"error: {config}: data: N = 200000 training examples needs ≈ 1", error);
        Assert.Contains("the largest part training kernel tiles (one kernel at a time) = 161 GB", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void GpWritesGpJsonAndThePredictionsAndPrintsBothPredictors()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = Lab("gp", "--config", Config(""", "noise": 1e-6, "time": 100"""), "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("NNGP:", stdout);
        Assert.Contains("NTK-GP:", stdout);
        Assert.Contains($"wrote nngp_predictions.csv, ntk_predictions.csv, gp.json to {outDir} (", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "gp.json")));
        Assert.Equal(100.0, doc.RootElement.GetProperty("time").GetDouble());
        Assert.Equal(8, doc.RootElement.GetProperty("test_size").GetInt32());
        Assert.True(doc.RootElement.GetProperty("ntk").GetProperty("test_mse").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("ntk").GetProperty("test_accuracy").ValueKind);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void ABadConfigExits2WithOneLineAndWritesNothing()
    {
        string outDir = Path.Combine(_dir, "out");
        string config = Config(""", "noise": -0.5""");
        var (code, _, stderr) = Lab("gp", "--config", config, "--out", outDir);
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {config}: noise: ", line);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(2, Lab("gp", "--out", outDir).Code);   // --config is required
    }
}
