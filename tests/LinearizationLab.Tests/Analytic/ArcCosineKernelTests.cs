using LinearizationLab.Analytic;

namespace LinearizationLab.Tests.Analytic;

/// <summary>Facts about the ReLU arc-cosine kernel.</summary>
public class ArcCosineKernelTests
{
    private static readonly (double S11, double S22, double S12)[] Covariances =
    [
        (1.0, 1.0, 0.3), (0.5, 2.0, -0.7), (3.0, 0.2, 0.7), (2.0, 2.0, 2.0), (4.0, 1.0, -1.9), (0.01, 0.02, 0.005),
    ];

    [Fact]
    public void ReluMatchesArcCosineAtHandComputedAngles()
    {
        // Σ11 = Σ22 = 1: θ = 0 → K = 1/2, K̇ = 1/2; θ = π/2 → K = 1/(2π), K̇ = 1/4; θ = π → K = 0, K̇ = 0.
        var relu = ArcCosineKernel.Instance;
        AssertPair((0.5, 0.5), relu.Transform(1, 1, 1), 1e-15);
        AssertPair((1 / (2 * Math.PI), 0.25), relu.Transform(1, 1, 0), 1e-15);
        AssertPair((0.0, 0.0), relu.Transform(1, 1, -1), 1e-15);
    }

    [Fact]
    public void DerivativeKernelIsTheSlopeInTheCovariance()
    {
        // Price's theorem: ∂E[φ(u)φ(v)]/∂Σ12 = E[φ'(u)φ'(v)]. Central differences with step 1e-5 have
        // truncation error ~ h²·∂³K ≈ 1e-10 and round-off ~ 1e-16/h ≈ 1e-11; 2e-7 leaves margin.
        var kernel = ArcCosineKernel.Instance;
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
