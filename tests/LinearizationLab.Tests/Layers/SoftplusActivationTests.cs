using LinearizationLab.Layers;
using MathNet.Numerics.Integration;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about softplus and its quadrature kernel.</summary>
public class SoftplusActivationTests
{
    [Fact]
    public void DerivativeKernelIsTheSigmoidKernel()
    {
        // softplus′ = σ, so K̇_softplus = E[σ(u)σ(v)] = K_sigmoid: the pair the quadrature integrates is (φ, φ′). The two
        // quadratures share their nodes, so they agree to round-off over ~10⁴ nodes (1e-13 of the scale).
        KernelGrids.AssertAgree((s11, s22, s12) => (SigmoidActivation.Instance.Transform(s11, s22, s12).Nngp, 0.0),
            (s11, s22, s12) => (SoftplusActivation.Instance.Transform(s11, s22, s12).Derivative, 0.0), GeluActivationTests.Grid(), 1e-13);
    }

    [Fact]
    public void AtZeroCorrelationKernelIsTheProductOfTheMeans()
    {
        // At ρ = 0, u and v are independent: K = E[φ(u)]·E[φ(v)], each mean a 1-D integral here by 64-point Gauss–Legendre on
        // four pieces of [−12σ, 12σ] (the tails beyond carry < e^(−72)). Together with K̇ = ∂K/∂Σ12 (ActivationTests) and
        // K̇ = K_sigmoid (above) this pins K down everywhere. 1e-12 relative: both sides are accurate to ~1e-14.
        foreach (var (s11, s22) in new[] { (1e-4, 1.0), (0.3, 3.0), (1.0, 1.0), (30.0, 0.05) })
        {
            double expected = Mean(s11) * Mean(s22);
            Assert.Equal(expected, SoftplusActivation.Instance.Transform(s11, s22, 0.0).Nngp, 1e-12 * expected);
        }
    }

    private static double Mean(double variance)
    {
        double sigma = Math.Sqrt(variance);
        double Integrand(double s) => SoftplusActivation.Instance.Value(sigma * s) * Math.Exp(-s * s / 2) / Math.Sqrt(2 * Math.PI);
        return new[] { (-12.0, -4.0), (-4.0, 0.0), (0.0, 4.0), (4.0, 12.0) }.Sum(p => GaussLegendreRule.Integrate(Integrand, p.Item1, p.Item2, 64));
    }
}
