using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about sin and its closed-form kernel.</summary>
public class SinActivationTests
{
    [Fact]
    public void ClosedFormKernelIsTheGaussianIntegral()
    {
        // Against the trapezoidal quadrature of sin at 15 digits (entire, |sin(x + iy)| ≤ cosh y: a strip half-width of 1
        // makes the step resolve the oscillation at every variance), on GELU's grid of variances up to 30 and ρ = ±1, 0.
        // Errors on the Cauchy–Schwarz scale √(K11·K22) (sin is odd: K vanishes at ρ = 0): ~1e-15 quadrature and round-off.
        var phi = SinActivation.Instance;
        var quadrature = new GaussianQuadratureKernel(z => (Math.Sin(z), Math.Cos(z)), 1.0, 15);
        KernelGrids.AssertAgree(phi.Transform, quadrature.Transform, GeluActivationTests.Grid(), 1e-9);
    }

    [Fact]
    public void TheMapIsFiniteAndAccurateAtLargeAndSmallCovariances()
    {
        // Σ = 1000 would overflow sinh(Σ12) times an underflowing e^(−Σ): at ρ = 1, K = (1 − e^(−2Σ))/2 = 1/2 and K̇ = 1/2 to
        // round-off. At Σ12 = 1e-9, K = e^(−Σ)·sinh(Σ12) keeps its relative accuracy (1e-15 relative is a few ulps).
        var phi = SinActivation.Instance;
        ActivationTests.AssertPair((0.5, 0.5), phi.Transform(1000, 1000, 1000), 1e-15);
        Assert.Equal(Math.Exp(-0.01) * 1e-9, phi.Transform(0.01, 0.01, 1e-9).Nngp, 1e-15 * 1e-9);
    }
}
