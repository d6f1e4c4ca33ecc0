using System.Globalization;
using LinearizationLab.Analytic;
using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab phase</c>: the table holds the recursion's values, and bad grids stop with one line.</summary>
[Collection("TorchSharp")]
public sealed class PhaseCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-phase-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Lab(params string[] args) => LabConsole.Run(args);

    [Fact]
    public void TheTableHoldsTheRecursionAtEveryGridPointAndTheFigureIsDrawn()
    {
        var (code, stdout, _) = Lab("phase", "--activation", "relu", "--w-var", "1:3:5", "--b-var", "0.1:0.3:3", "--depth", "20", "--out", _dir);
        Assert.Equal(0, code);
        var rows = File.ReadAllLines(Path.Combine(_dir, "phase.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(15, rows.Length);
        foreach (var row in rows)
        {
            double w = double.Parse(row[0], CultureInfo.InvariantCulture), b = double.Parse(row[1], CultureInfo.InvariantCulture);
            var expected = SignalPropagation.At(Activation.Relu, w, b, 20);
            Assert.Equal(expected.Chi1, double.Parse(row[4], CultureInfo.InvariantCulture));
            Assert.Equal(w / 2, expected.Chi1, 1e-12);   // ReLU: χ₁ = σ_w²/2
        }
        Assert.True(File.Exists(Path.Combine(_dir, "phase-diagram.png")));
        Assert.Contains("σ_w² = 2.000 at σ_b² = 0.1", stdout);   // the χ₁ = 1 crossing between the grid's 1.5 and 2.5
    }

    [Theory]
    [InlineData("--w-var", "1:4:0", "empty grid")]
    [InlineData("--w-var", "-1:2:4", "must be positive")]
    [InlineData("--b-var", "-0.1:0.2:3", "must be non-negative")]
    [InlineData("--depth", "0", "at least 1")]
    [InlineData("--w-var", "1:x:3", "not a number")]
    [InlineData("--activation", "swish", "unknown activation")]
    public void BadGridsStopWithOneLine(string option, string value, string reason)
    {
        var args = new Dictionary<string, string> { ["--activation"] = "tanh", ["--w-var"] = "1:2:3", ["--b-var"] = "0:0.1:2", ["--depth"] = "10" };
        args[option] = value;
        var (code, _, stderr) = Lab(["phase", .. args.SelectMany(p => new[] { p.Key, p.Value }), "--out", _dir]);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, line);
        Assert.Contains(reason, line);
        Assert.False(File.Exists(Path.Combine(_dir, "phase.csv")));
    }
}
