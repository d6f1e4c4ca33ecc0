using LinearizationLab.Configuration;
using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public class CoordinateCheckTests
{
    private static CoordinateCheckResult Check(string parameterization)
    {
        var config = RunConfig.Read(JsonSection.Parse($$"""
            {"arch": {"input_shape": [16], "parameterization": "{{parameterization}}", "base_width": 64, "layers": [
               {"type": "dense", "width": 64, "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
               {"type": "dense", "width": 64, "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
               {"type": "dense", "width": 1}]},
             "data": {"source": "sphere", "dim": 16, "train_size": 64, "test_size": 0, "seed": 0},
             "loss": "mse", "optimizer": {"type": "adam", "learning_rate": 0.01}, "steps": 1, "seed": 0, "dtype": "float64"}
            """, "coord.json"));
        var (train, _) = config.Setup.Data.LoadFor(config.Setup.Arch);
        return CoordinateCheck.Run(config.Setup, [64, 128, 256, 512], 1, [0, 1, 2, 3], train);
    }

    /// <summary>
    /// μP under Adam: after one step no layer's pre-activations, activations or their changes grow or vanish with width (slopes
    /// within ±0.1, the finite-width corrections at n = 64…512 with four seeds) — except the readout's output at initialization,
    /// which Table 3's 1/fan_in² readout variance makes vanish like n^−1/2.
    /// </summary>
    [Fact]
    public void MupIsFlat()
    {
        var result = Check("mup");
        Assert.Equal(["dense 1", "dense 2", "readout"], result.Layers);
        Assert.Equal(2 * 6 + 3, result.Slopes.Count);   // per hidden layer z, a at t = 0, 1 and Δz, Δa at t = 1; the readout has no a
        foreach (var s in result.Slopes.Where(s => !(s.Layer == 3 && s.Step == 0)))
            Assert.InRange(s.Slope, -0.1, 0.1);
        Assert.InRange(result.Slopes.Single(s => s.Layer == 3 && s.Step == 0).Slope, -0.5 - 0.2, -0.5 + 0.2);
    }

    /// <summary>The standard parameterization under Adam at a fixed rate: the hidden and output coordinates' changes grow with width.</summary>
    [Fact]
    public void StandardParameterizationUnderAdamGrows()
    {
        var result = Check("standard");
        Assert.True(result.Slopes.Single(s => s is { Layer: 2, Quantity: "preactivation_change", Step: 1 }).Slope > 0.5);
        Assert.True(result.Slopes.Single(s => s is { Layer: 3, Quantity: "preactivation_change", Step: 1 }).Slope > 0.5);
        // The input layer's coordinates stay put: its fan-in d does not grow.
        Assert.InRange(result.Slopes.Single(s => s is { Layer: 1, Quantity: "preactivation_change", Step: 1 }).Slope, -0.1, 0.1);
    }
}
