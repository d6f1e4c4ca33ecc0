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

    /// <summary>n examples of d correlated features: x = A·z + shift with z ~ N(0, I) from Random(seed), A lower triangular.</summary>
    private static Dataset Correlated(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            var z = Enumerable.Range(0, d).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
            for (int j = 0; j < d; j++)
            {
                double v = j;
                for (int k = 0; k <= j; k++) v += (k + 1.0) / (j + 1) * z[k];
                x[i * d + j] = v;
            }
        }
        return new Dataset(x, [d], new double[n], 1, null);
    }

    private static double[,] Covariance(Dataset data)
    {
        int d = data.FeatureSize, n = data.Count;
        var mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => data.Inputs[i * d + j])).ToArray();
        var c = new double[d, d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    c[a, b] += (data.Inputs[i * d + a] - mean[a]) * (data.Inputs[i * d + b] - mean[b]) / n;
        return c;
    }

    [Fact]
    public void ZcaWhitensTheTrainSetToTheIdentityAsTheRegularizationVanishes()
    {
        // Σ_white = W·Σ·W = diag(λ/(λ + ε·tr Σ/d)) in Σ's eigenbasis: I up to ε·(tr Σ/d)/λ_min, here ≈ 1e-9.
        var (train, test) = FeatureNormalization.Zca(Correlated(400, 6, 1), Correlated(30, 6, 2), 1e-10);
        var c = Covariance(train);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                Assert.Equal(a == b ? 1.0 : 0.0, c[a, b], 1e-7);
        for (int j = 0; j < 6; j++)
            Assert.Equal(0, Enumerable.Range(0, 400).Average(i => train.Inputs[i * 6 + j]), 1e-12);
        Assert.Equal(30 * 6, test.Inputs.Length);
    }

    [Fact]
    public void ZcaOfAWhiteSetOnlyCentersAndShrinksIt()
    {
        // Σ = I exactly (the 4 corners of a square, centered): W = (1 + ε)^{−1/2}·I, the data are only rescaled, not rotated
        // (ZCA, unlike PCA whitening, stays as close to the input as whitening allows).
        var white = new Dataset([1, 1, 1, -1, -1, 1, -1, -1], [2], new double[4], 1, null);
        var (train, _) = FeatureNormalization.Zca(white, white, 0.25);
        for (int k = 0; k < 8; k++) Assert.Equal(white.Inputs[k] / Math.Sqrt(1.25), train.Inputs[k], 1e-14);
    }
}
