using System.Text.Json;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab coord-check</c>: its files hold one size per width, layer, quantity and step, and bad options stop with one line.</summary>
[Collection("TorchSharp")]
public sealed class CoordCheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-coord-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config()
    {
        string path = Path.Combine(_dir, "c.json");
        File.WriteAllText(path, """
            {"arch": {"input_shape": [4], "parameterization": "mup", "base_width": 8, "layers": [
               {"type": "dense", "width": 8}, {"type": "relu"}, {"type": "dense", "width": 8}, {"type": "relu"}, {"type": "dense", "width": 1}]},
             "data": {"source": "sphere", "dim": 4, "train_size": 16, "test_size": 0, "seed": 0},
             "loss": "mse", "optimizer": {"type": "sgd", "learning_rate": 0.1, "batch_size": 8}, "steps": 1, "seed": 0, "dtype": "float64"}
            """);
        return path;
    }

    [Fact]
    public void TheFilesHoldEverySizeAndSlope()
    {
        string output = Path.Combine(_dir, "out");
        var (code, stdout, _) = LabConsole.Run("coord-check", Config(), "--widths", "8,16,32", "--steps", "2", "--seeds", "2", "--out", output);
        Assert.Equal(0, code);
        // Three layers; z and Δz for each, a and Δa for the two hidden ones; z, a at t = 0, 1, 2 and Δ at t = 1, 2; three widths.
        int perWidth = 3 * (3 + 2) + 2 * (3 + 2);
        Assert.Equal(3 * perWidth + 1, File.ReadAllLines(Path.Combine(output, "coord-check.csv")).Length);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "coord-check.json")));
        Assert.Equal("mup", json.RootElement.GetProperty("parameterization").GetString());
        Assert.Equal(perWidth, json.RootElement.GetProperty("slopes").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "coord-check.png")));
        Assert.Contains("readout", stdout);
    }

    [Theory]
    [InlineData("--widths", "64", "at least two different widths")]
    [InlineData("--widths", "64,x", "must be an integer")]
    [InlineData("--steps", "0", "at least 1")]
    public void BadOptionsStopWithOneLine(string option, string value, string reason)
    {
        string[] args = option == "--widths"
            ? ["coord-check", Config(), option, value, "--out", _dir]
            : ["coord-check", Config(), "--widths", "8,16", option, value, "--out", _dir];
        var (code, _, stderr) = LabConsole.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
