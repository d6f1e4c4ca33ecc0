using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Training;

/// <summary>Facts about the project's loss ½·(1/N)·Σ_n ‖f(x_n) − y_n‖² in its two forms.</summary>
[Collection("TorchSharp")]
public class MeanSquaredErrorTests
{
    [Fact]
    public void TheFloat64FormIsTheTrainingLoss()
    {
        // Both sum the same 21 squares in float64 (in different orders): they agree to round-off, ~1e-16 relative.
        const int n = 7, o = 3;
        var random = new Random(4);
        double[] f = [.. Enumerable.Range(0, n * o).Select(_ => random.NextDouble() * 2 - 1)];
        double[] y = [.. Enumerable.Range(0, n * o).Select(_ => random.NextDouble())];
        using var scope = NewDisposeScope();
        double loss = new MeanSquaredError().Value(tensor(f, [n, o], ScalarType.Float64), tensor(y, [n, o], ScalarType.Float64), null).ToDouble();
        Assert.Equal(loss, MeanSquaredError.Of(f, y, n), 1e-15 * loss);
        Assert.Equal(0.5 * f.Zip(y, (a, b) => (a - b) * (a - b)).Sum() / n, MeanSquaredError.Of(f, y, n), 1e-15 * loss);
    }

    [Fact]
    public void RejectsOutputsAndTargetsOfDifferentLengths() =>
        Assert.Throws<ArgumentException>(() => MeanSquaredError.Of([1.0, 2.0], [1.0], 1));
}
