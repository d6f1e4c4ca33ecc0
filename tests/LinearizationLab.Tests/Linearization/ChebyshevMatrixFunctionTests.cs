using LinearizationLab.Linearization;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests.Linearization;

/// <summary>Facts about h(Θ)·B by Chebyshev expansion: it equals V·h(Λ)·Vᵀ·B from the eigendecomposition, and is exact on polynomials.</summary>
public class ChebyshevMatrixFunctionTests
{
    private static (Matrix<double> Theta, Matrix<double> B) Problem(int n, int columns, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var a = Matrix<double>.Build.Dense(n, n, (_, _) => Gaussian());
        return (a * a.Transpose() / n, Matrix<double>.Build.Dense(n, columns, (_, _) => Gaussian()));
    }

    private static Matrix<double> Spectral(Matrix<double> theta, Matrix<double> b, Func<double, double> h)
    {
        var evd = theta.Evd(Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        var values = evd.EigenValues.Select(e => h(Math.Max(e.Real, 0))).ToArray();
        return v * Matrix<double>.Build.DenseOfDiagonalArray(values) * v.Transpose() * b;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(10.0)]
    [InlineData(1000.0)]
    public void TheExpansionOfTheFlowGainEqualsTheEigendecomposition(double tau)
    {
        // h(λ) = (1 − e^{−λτ})/λ over a spectrum in [0, ~4]: from smooth (τ = 0.1) to sharp near 0 (τ = 1000, degree in the
        // hundreds). The expansion is accurate to 1e-14·max h = 1e-14·τ and the products add K·1e-16; 1e-11 of the largest entry.
        var (theta, b) = Problem(60, 3, 5);
        Func<double, double> h = lambda => GradientDescentMse.Gain(lambda, TrainingTime.GradientFlow(tau), 1, 0);
        var result = ChebyshevMatrixFunction.Apply(SymmetricTiles.FromMatrix(theta.ToArray(), 16), b.ToArray(), h, 20_000, out int degree);
        MatrixAssert.Close(Spectral(theta, b, h).ToArray(), result, 1e-11);
        Assert.InRange(degree, 1, 6 * Math.Sqrt(4 * tau * 60) + 40);
    }

    [Fact]
    public void APolynomialIsReproducedExactlyWithItsOwnDegree()
    {
        // h(λ) = 1 − 2λ + λ³ is its own Chebyshev series of degree 3: Θ³B − 2ΘB + B with three products.
        var (theta, b) = Problem(25, 2, 9);
        var result = ChebyshevMatrixFunction.Apply(SymmetricTiles.FromMatrix(theta.ToArray(), 16), b.ToArray(), l => 1 - 2 * l + l * l * l, 100, out int degree);
        Assert.Equal(3, degree);
        MatrixAssert.Close((theta * theta * theta * b - 2 * theta * b + b).ToArray(), result, 1e-12);
    }

    [Fact]
    public void TheBoundEnclosesTheSpectrum()
    {
        var (theta, _) = Problem(40, 1, 3);
        double largest = theta.Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
        Assert.True(ChebyshevMatrixFunction.SpectralBound(SymmetricTiles.FromMatrix(theta.ToArray(), 16)) >= largest);
    }

    [Fact]
    public void AFunctionNeedingTooHighADegreeIsAnErrorNamingTheLimit()
    {
        var (theta, b) = Problem(10, 1, 1);
        var error = Assert.Throws<ArgumentException>(() => ChebyshevMatrixFunction.Apply(SymmetricTiles.FromMatrix(theta.ToArray(), 16), b.ToArray(),
            l => GradientDescentMse.Gain(l, TrainingTime.GradientFlow(1e9), 1, 0), 50, out _));
        Assert.Equal("maxDegree", error.ParamName);
    }
}
