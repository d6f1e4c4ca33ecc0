using LinearizationLab.Analytic;

namespace LinearizationLab.Tests.Analytic;

/// <summary>Facts about Williams' erf kernel.</summary>
public class ErfKernelTests
{
    private static readonly (double S11, double S22, double S12)[] Covariances =
    [
        (1.0, 1.0, 0.3), (0.5, 2.0, -0.7), (3.0, 0.2, 0.7), (2.0, 2.0, 2.0), (4.0, 1.0, -1.9), (0.01, 0.02, 0.005),
    ];

    [Fact]
    public void ErfMatchesWilliamsFormula()
    {
        // Σ11 = Σ22 = 1/2, Σ12 = 1/4: P = 4, K = (2/π) arcsin(1/4), K̇ = (4/π)/√(4 − 1/4).
        AssertPair((2 / Math.PI * Math.Asin(0.25), 4 / Math.PI / Math.Sqrt(3.75)), ErfKernel.Instance.Transform(0.5, 0.5, 0.25), 1e-15);
        // Self covariance at Σ = 1/2: (2/π) arcsin(1/2) = 1/3 exactly.
        Assert.Equal(1.0 / 3.0, ErfKernel.Instance.SelfCovariance(0.5), 1e-15);
    }

    [Fact]
    public void DerivativeKernelIsTheSlopeInTheCovariance()
    {
        // Price's theorem: ∂E[φ(u)φ(v)]/∂Σ12 = E[φ'(u)φ'(v)]. Central differences with step 1e-5 have
        // truncation error ~ h²·∂³K ≈ 1e-10 and round-off ~ 1e-16/h ≈ 1e-11; 2e-7 leaves margin.
        var kernel = ErfKernel.Instance;
        const double h = 1e-5;
        foreach (var (s11, s22, s12) in Covariances.Where(c => Math.Abs(c.S12) < 0.99 * Math.Sqrt(c.S11 * c.S22)))
        {
            double slope = (kernel.Transform(s11, s22, s12 + h).Nngp - kernel.Transform(s11, s22, s12 - h).Nngp) / (2 * h);
            Assert.Equal(kernel.Transform(s11, s22, s12).Derivative, slope, 2e-7);
        }
    }

    private static void AssertPair((double Nngp, double Derivative) expected, (double Nngp, double Derivative) actual, double tolerance)
    {
        Assert.Equal(expected.Nngp, actual.Nngp, tolerance);
        Assert.Equal(expected.Derivative, actual.Derivative, tolerance);
    }
}
