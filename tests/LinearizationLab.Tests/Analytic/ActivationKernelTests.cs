using LinearizationLab.Analytic;
using LinearizationLab.Architecture;

namespace LinearizationLab.Tests.Analytic;

/// <summary>Facts every activation kernel must satisfy, and the covariances the activation tests use.</summary>
public class ActivationKernelTests
{
    internal static readonly (double S11, double S22, double S12)[] Covariances =
    [
        (1.0, 1.0, 0.3), (0.5, 2.0, -0.7), (3.0, 0.2, 0.7), (2.0, 2.0, 2.0), (4.0, 1.0, -1.9), (0.01, 0.02, 0.005),
    ];

    internal static void AssertPair((double Nngp, double Derivative) expected, (double Nngp, double Derivative) actual, double tolerance)
    {
        Assert.Equal(expected.Nngp, actual.Nngp, tolerance);
        Assert.Equal(expected.Derivative, actual.Derivative, tolerance);
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Erf)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Identity)]
    public void DerivativeKernelIsTheSlopeInTheCovariance(Activation activation)
    {
        // Price's theorem: ∂E[φ(u)φ(v)]/∂Σ12 = E[φ'(u)φ'(v)]. Central differences with step 1e-5 have
        // truncation error ~ h²·∂³K ≈ 1e-10 and round-off ~ 1e-16/h ≈ 1e-11 (tanh adds its quadrature
        // error 5e-13/h ≈ 5e-8); 2e-7 leaves margin.
        var kernel = ActivationKernel.For(activation);
        const double h = 1e-5;
        foreach (var (s11, s22, s12) in Covariances.Where(c => Math.Abs(c.S12) < 0.99 * Math.Sqrt(c.S11 * c.S22)))
        {
            double slope = (kernel.Transform(s11, s22, s12 + h).Nngp - kernel.Transform(s11, s22, s12 - h).Nngp) / (2 * h);
            Assert.Equal(kernel.Transform(s11, s22, s12).Derivative, slope, 2e-7);
        }
    }
}
