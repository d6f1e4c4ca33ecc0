using LinearizationLab.Layers;
using MathNet.Numerics.Integration;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about the ABReLU kernel a·min(x, 0) + b·max(x, 0) that leaky_relu and abs share.</summary>
public class AbReluActivationTests
{
    public static TheoryData<string> Kinds => new() { "leaky_relu", "leaky_relu 0.3", "leaky_relu -0.5", "abs" };

    private static AbReluActivation Of(string kind) => kind switch
    {
        "abs" => AbsActivation.Instance,
        "leaky_relu" => LeakyReluActivation.Instance,
        _ => LeakyReluActivation.WithSlope(double.Parse(kind.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ClosedFormKernelIsTheGaussianIntegral(string kind)
    {
        // φ is positively homogeneous, so in polar coordinates (s, r) = R(cos α, sin α), u = σ1·R·cos α, v = σ2·R·cos(α − β)
        // with β = arccos ρ, and E[R²] = 2: K = (1/π)∫φ(σ1 cos α)φ(σ2 cos(α − β))dα and K̇ = (1/2π)∫φ′(σ1 cos α)φ′(σ2 cos(α − β))dα
        // over [0, 2π]. Split at the four kinks, each piece is a smooth trigonometric product that 32-point Gauss–Legendre
        // integrates to round-off; 1e-12 of the Cauchy–Schwarz scale covers it (the trapezoidal quadrature would converge only
        // algebraically across the kink).
        var phi = Of(kind);
        KernelGrids.AssertAgree(phi.Transform, (s11, s22, s12) => PolarIntegral(phi, s11, s22, s12), GeluActivationTests.Grid(), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SelfCovarianceAndTheDiagonalAreTheSame(string kind)
    {
        // E[φ(u)²] = (a² + b²)/2·Σ; at ρ = 1 the map takes θ = 0 exactly, and a diagonal computed as a cross pair
        // (Σ12 off by 1e-16 relative) takes it too, so both equal SelfCovariance to the ulp.
        var phi = Of(kind);
        double meanSquare = (phi.NegativeSlope * phi.NegativeSlope + phi.PositiveSlope * phi.PositiveSlope) / 2;
        Assert.Equal(meanSquare * 2.5, phi.SelfCovariance(2.5), 1e-15);
        Assert.Equal(phi.SelfCovariance(2.5), phi.Transform(2.5, 2.5, 2.5).Nngp, 1e-15);
        Assert.Equal(phi.SelfCovariance(2.5), phi.Transform(2.5, 2.5, 2.5 * (1 - 1e-16)).Nngp, 1e-15);
    }

    [Fact]
    public void ReluIsTheCaseOfSlopesZeroAndOne()
    {
        // leaky_relu with slope 0 is ReLU: the same arc-cosine kernel through a different arrangement (round-off 1e-15).
        var leaky = LeakyReluActivation.WithSlope(0);
        foreach (var (s11, s22, s12) in ActivationTests.Covariances)
            ActivationTests.AssertPair(ReluActivation.Instance.Transform(s11, s22, s12), leaky.Transform(s11, s22, s12), 1e-15);
    }

    private static (double, double) PolarIntegral(AbReluActivation phi, double s11, double s22, double s12)
    {
        double sigma1 = Math.Sqrt(s11), sigma2 = Math.Sqrt(s22);
        double beta = Math.Acos(Math.Clamp(s12 / (sigma1 * sigma2), -1, 1));
        double[] cuts = new[] { Math.PI / 2, 3 * Math.PI / 2, beta + Math.PI / 2, beta + 3 * Math.PI / 2 }
            .Select(c => c % (2 * Math.PI)).Append(0).Append(2 * Math.PI).Order().ToArray();
        double k = 0, kDot = 0;
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            if (cuts[i + 1] - cuts[i] < 1e-15) continue;
            k += GaussLegendreRule.Integrate(alpha => phi.Value(sigma1 * Math.Cos(alpha)) * phi.Value(sigma2 * Math.Cos(alpha - beta)),
                cuts[i], cuts[i + 1], 32);
            // φ′ is constant on each piece: evaluate it at the midpoint, away from the kinks' ties.
            double mid = (cuts[i] + cuts[i + 1]) / 2;
            kDot += (cuts[i + 1] - cuts[i]) * phi.FirstDerivative(Math.Cos(mid)) * phi.FirstDerivative(Math.Cos(mid - beta));
        }

        return (k / Math.PI, kDot / (2 * Math.PI));
    }
}
