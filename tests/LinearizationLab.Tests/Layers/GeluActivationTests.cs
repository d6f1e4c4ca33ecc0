using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about the exact GELU and its closed-form kernel.</summary>
public class GeluActivationTests
{
    /// <summary>(Σ11, Σ22, ρ): unit, unequal, small and large variances, and ρ = ±1 and 0.</summary>
    internal static IEnumerable<(double S11, double S22, double S12)> Grid()
    {
        double[] variances = [1e-4, 0.05, 1.0, 3.0, 30.0];
        double[] correlations = [-1.0, -0.7, 0.0, 0.4, 0.95, 1.0];
        foreach (double s11 in variances)
        foreach (double s22 in variances)
        foreach (double rho in correlations)
            yield return (s11, s22, rho * Math.Sqrt(s11 * s22));
    }

    [Fact]
    public void ClosedFormKernelIsTheGaussianIntegral()
    {
        // Against the trapezoidal quadrature of x·Φ(x) at 15 digits (an entire function; its growth off the axis, like erf's,
        // is kept out of the error by a strip half-width of 1). Errors are measured on the Cauchy–Schwarz scale √(K11·K22)
        // (K itself crosses 0, where a pointwise relative error means nothing): the quadrature's ~1e-15 of the integrand's
        // size and the closed form's round-off (a few ulps of terms of that size) are far inside 1e-9.
        var phi = GeluActivation.Instance;
        var quadrature = new GaussianQuadratureKernel(z => (phi.Value(z), phi.FirstDerivative(z)), 1.0, 15);
        KernelGrids.AssertAgree(phi.Transform, quadrature.Transform, Grid(), 1e-9);
    }

    [Fact]
    public void SelfCovarianceIsTheDiagonalOfTheMap()
    {
        // Two algebraically equal forms of K(Σ, Σ, Σ) = Σ/4 + …; 1e-14 relative is a few ulps of their O(1)·Σ terms.
        foreach (double s in new[] { 1e-6, 0.01, 0.5, 1.0, 7.0, 300.0 })
            Assert.Equal(GeluActivation.Instance.Transform(s, s, s).Nngp, GeluActivation.Instance.SelfCovariance(s), 1e-14 * s);
    }

    [Fact]
    public void GeluIsTheExactNotTheTanhApproximation()
    {
        // x·Φ(x) at x = 1 is Φ(1) = 0.841344746068543 (tables); the tanh approximation gives 0.841191990608277, 1.5e-4 away.
        Assert.Equal(0.841344746068543, GeluActivation.Instance.Value(1.0), 1e-15);
    }
}
