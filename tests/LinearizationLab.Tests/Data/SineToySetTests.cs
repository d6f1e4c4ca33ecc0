using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class SineToySetTests
{
    [Fact]
    public void NoiselessTrainTargetsAreSineOfUniformInputs()
    {
        var (train, _) = SineToySet.Create(200, 0, 0.0, seed: 1);

        Assert.Equal([1], train.FeatureShape);
        Assert.Null(train.Labels);
        Assert.All(train.Inputs, x => Assert.InRange(x, -Math.PI, Math.PI));
        Assert.Equal(train.Inputs.Select(Math.Sin), train.Targets);
    }

    [Fact]
    public void TestInputsAreTheLinspaceWithNoiselessTargets()
    {
        var (_, test) = SineToySet.Create(5, 9, 0.3, seed: 1);

        Assert.Equal(9, test.Count);
        Assert.Equal(-Math.PI, test.Inputs[0]);
        Assert.Equal(Math.PI, test.Inputs[8]);
        Assert.Equal(0.0, test.Inputs[4], 1e-15); // −π + 2π·4/8: cancellation leaves at most an ulp of π
        Assert.Equal(test.Inputs.Select(Math.Sin), test.Targets);
    }

    [Fact]
    public void NoiseHasTheRequestedStandardDeviation()
    {
        const int n = 5000;
        const double sigma = 0.1;
        var (train, _) = SineToySet.Create(n, 0, sigma, seed: 2);

        var residual = train.Inputs.Select((x, i) => train.Targets[i] - Math.Sin(x)).ToArray();
        double mean = residual.Average();
        double std = Math.Sqrt(residual.Select(r => (r - mean) * (r - mean)).Average());
        // Standard error of a Gaussian sample std is σ/√(2n); allow 4 of them.
        Assert.InRange(std, sigma - 4 * sigma / Math.Sqrt(2 * n), sigma + 4 * sigma / Math.Sqrt(2 * n));
        Assert.InRange(mean, -4 * sigma / Math.Sqrt(n), 4 * sigma / Math.Sqrt(n));
    }

    [Fact]
    public void SeedFixesTheTrainSet()
    {
        Assert.Equal(SineToySet.Create(5, 0, 0.1, 3).Train.Targets, SineToySet.Create(5, 0, 0.1, 3).Train.Targets);
        Assert.NotEqual(SineToySet.Create(5, 0, 0.1, 3).Train.Inputs, SineToySet.Create(5, 0, 0.1, 4).Train.Inputs);
    }
}
