using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class FeatureNormalizationTests
{
    /// <summary>n examples of d features: feature j ~ j + (j+1)·U(0,1), feature 2 constant (3.7), from Random(seed).</summary>
    private static Dataset Sample(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                x[i * d + j] = j == 2 ? 3.7 : j + (j + 1) * rng.NextDouble();
        return new Dataset(x, [d], new double[n], 1, null);
    }

    [Fact]
    public void UnitNormPutsEveryExampleOnTheSphereOfRadiusSqrtD()
    {
        var data = FeatureNormalization.UnitNorm(Sample(50, 12, 1));

        for (int i = 0; i < data.Count; i++)
        {
            double sq = 0;
            for (int j = 0; j < 12; j++) sq += data.Inputs[i * 12 + j] * data.Inputs[i * 12 + j];
            // A sum of 12 squares and one rescaling: relative round-off a few times 1e-16.
            Assert.Equal(1.0, sq / 12, 1e-14);
        }
    }

    [Fact]
    public void UnitNormLeavesAZeroExampleAtZero()
    {
        var data = FeatureNormalization.UnitNorm(new Dataset([0, 0, 3, 4], [2], [0, 0], 1, null));

        Assert.Equal([0.0, 0.0], data.Inputs[..2]);
        // (3, 4)·√(2/25): two roundings against the closed form, well inside 1e-15.
        Assert.Equal(3 * Math.Sqrt(2) / 5, data.Inputs[2], 1e-15);
        Assert.Equal(4 * Math.Sqrt(2) / 5, data.Inputs[3], 1e-15);
    }

    [Fact]
    public void StandardizeGivesTrainFeaturesMeanZeroAndStdOne()
    {
        const int n = 200, d = 6;
        var (train, _) = FeatureNormalization.Standardize(Sample(n, d, 2), Sample(10, d, 3));

        for (int j = 0; j < d; j++)
        {
            var column = Enumerable.Range(0, n).Select(i => train.Inputs[i * d + j]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            if (j == 2)
            {
                Assert.All(column, v => Assert.Equal(0.0, v)); // constant on train: left at 0
                continue;
            }
            // Sums of 200 terms of size O(1): round-off well below 1e-12.
            Assert.Equal(0.0, mean, 1e-12);
            Assert.Equal(1.0, std, 1e-12);
        }
    }

    [Fact]
    public void StandardizeAppliesTrainStatisticsToTheTestSet()
    {
        const int d = 4;
        var rawTrain = Sample(100, d, 5);
        var rawTest = Sample(3, d, 6);

        var (_, test) = FeatureNormalization.Standardize(rawTrain, rawTest);

        const int j = 3;
        var column = Enumerable.Range(0, 100).Select(i => rawTrain.Inputs[i * d + j]).ToArray();
        double mean = column.Average();
        double std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
        for (int i = 0; i < 3; i++)
            Assert.Equal((rawTest.Inputs[i * d + j] - mean) / std, test.Inputs[i * d + j], 1e-12);   // statistics of 100 O(1) terms summed in another order: round-off ≪ 1e-12
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0.0, test.Inputs[i * d + 2]));
    }

    [Fact]
    public void NoneReturnsTheSetsUnchanged()
    {
        var train = Sample(5, 3, 7);
        var test = Sample(2, 3, 8);

        var (a, b) = FeatureNormalization.Apply(NormalizationKind.None, train, test);

        Assert.Same(train, a);
        Assert.Same(test, b);
    }
}
