using LinearizationLab.Layers;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Inference;
using LinearizationLab;

namespace LinearizationLab.Tests.Inference;

/// <summary>Facts about exact GP inference with the NNGP kernel.</summary>
[Collection("TorchSharp")]
public class NngpPosteriorTests
{
    [Theory]
    [InlineData(5, 1e-3)]
    [InlineData(60, 1e-6)]
    [InlineData(200, 1e-8)]
    public void LapackAgreesWithTheManagedCholeskyOnRandomSpdMatrices(int n, double noise)
    {
        // K = AAᵀ/n + σ²I with A Gaussian (κ ≲ 1e3–1e8): the tiled LAPACK path against MathNet's managed Cholesky, the
        // previous implementation, for the mean and the covariance; 1e-10 relative to the largest entry.
        var random = new Random(n);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (_, _) => Gaussian());
        var k = a * a.Transpose() / n;
        var y = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, 3, (_, _) => Gaussian());
        var test = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(7, n, (_, _) => Gaussian() / n);
        var testTest = test * test.Transpose() + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(7);
        var posterior = new NngpPosterior(k.ToArray(), y.ToArray(), noise);
        var reference = (k + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(n) * noise).Cholesky();
        var mean = test * reference.Solve(y);
        var covariance = testTest - test * reference.Solve(test.Transpose());
        var lapackMean = posterior.Mean(test.ToArray());
        var lapackCovariance = posterior.Covariance(test.ToArray(), testTest.ToArray());
        double meanScale = mean.Enumerate().Max(Math.Abs), covarianceScale = covariance.Enumerate().Max(Math.Abs);
        for (int i = 0; i < 7; i++)
        {
            for (int o = 0; o < 3; o++) Assert.Equal(mean[i, o], lapackMean[i, o], 1e-10 * meanScale);
            for (int j = 0; j < 7; j++) Assert.Equal(covariance[i, j], lapackCovariance[i, j], 1e-10 * covarianceScale);
        }
    }

    [Fact]
    public void FactorizingTilesInPlaceGivesTheSamePosteriorAndLeavesTheFactorInThem()
    {
        // The copying constructor leaves its argument as it was; the tiles' constructor (here 3×3 tiles, against one tile)
        // leaves L in them, L·Lᵀ = K + σ²I, and gives the same weights — different blockings of the same float64 sums, so
        // round-off times κ ≲ 1e6 (σ² = 1e-6 on an O(1) kernel): 1e-12 of K for L·Lᵀ, 1e-8 relative for the weights.
        var (kernels, y) = Problem();
        var k = kernels.Nngp;
        int n = k.GetLength(0);
        var original = (double[,])k.Clone();
        var copying = new NngpPosterior(k, y, 1e-6);
        Assert.Equal(original, k);
        var tiles = SymmetricTiles.FromMatrix(k, tileSize: 3);
        var inPlace = new NngpPosterior(tiles, y, 1e-6);
        Assert.True(tiles.IsFactorized);
        double scale = original[0, 0];
        for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
        {
            double product = 0;
            for (int c = 0; c <= j; c++) product += tiles[i, c] * tiles[j, c];
            Assert.Equal(original[i, j] + (i == j ? 1e-6 : 0), product, 1e-12 * scale);
            for (int o = 0; o < y.GetLength(1); o++) Assert.Equal(copying.Weights[i, o], inPlace.Weights[i, o], 1e-8 * Math.Abs(copying.Weights[i, o]) + 1e-300);
        }
    }

    [Fact]
    public void NoiselessPosteriorInterpolatesTheTrainingTargetsWithZeroVariance()
    {
        // σ² = 0: mean K K⁻¹ Y = Y and covariance K − K K⁻¹ K = 0, up to κ(K)·1e-16 (κ ≲ 1e3 here).
        var (kernels, y) = Problem();
        var posterior = new NngpPosterior(kernels.Nngp, y, 0);
        var mean = posterior.Mean(kernels.Nngp);
        for (int i = 0; i < y.GetLength(0); i++) Assert.Equal(y[i, 0], mean[i, 0], 1e-10);
        var covariance = posterior.Covariance(kernels.Nngp, kernels.Nngp);
        foreach (double v in covariance) Assert.Equal(0.0, v, 1e-10 * kernels.Nngp[0, 0]);
    }

    [Fact]
    public void NoiseShrinksTheMeanTowardsThePrior()
    {
        // With σ² → ∞ the posterior mean K(K + σ²I)⁻¹Y → K·Y/σ² → 0; at σ² = 1e8 it is below 1e-6·|Y|.
        var (kernels, y) = Problem();
        var mean = new NngpPosterior(kernels.Nngp, y, 1e8).Mean(kernels.Nngp);
        foreach (double v in mean) Assert.True(Math.Abs(v) < 1e-6);
    }

    [Fact]
    public void SingularKernelWithoutNoiseSuggestsAJitter()
    {
        var duplicate = new double[,] { { 1, 1 }, { 1, 1 } };
        var error = Assert.Throws<ArgumentException>(() => new NngpPosterior(duplicate, new double[,] { { 1 }, { 1 } }));
        Assert.Contains("jitter", error.Message);
    }

    private static (KernelPair Kernels, double[,] Y) Problem()
    {
        var arch = new ArchitectureSpec([4], Parameterization.Ntk,
            [new DenseLayer(32, 1.5, 0.2), new ActivationLayer(Activation.Erf), new DenseLayer(1, 1, 0.1)]);
        var random = new Random(5);
        var x = new double[10, 4];
        var y = new double[10, 1];
        for (int i = 0; i < 10; i++)
        {
            for (int f = 0; f < 4; f++) x[i, f] = 2 * random.NextDouble() - 1;
            y[i, 0] = Math.Cos(2 * x[i, 0]) + x[i, 3];
        }

        return (AnalyticKernels.Compute(arch, x), y);
    }
}
