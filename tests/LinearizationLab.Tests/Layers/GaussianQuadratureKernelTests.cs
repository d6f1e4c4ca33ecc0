using LinearizationLab.Layers;
using MathNet.Numerics;
using LinearizationLab.Analytic;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about the quadrature kernel used for tanh.</summary>
public class GaussianQuadratureKernelTests
{

    [Fact]
    public void TanhQuadratureConvergesAcrossDigits()
    {
        // The rule converges geometrically in the number of digits: 12 vs 16 digits agree to 1e-10 and the default
        // 14 vs 16 to 1e-12 (stated bounds, ~100× the 10^−digits target because tanh' has double poles at ±iπ/2), at
        // variances from 0.01 to 100, where a degree-25 Gauss–Hermite rule is 1–20% off.
        var coarse = GaussianQuadratureKernel.ForTanh(12);
        var fine = GaussianQuadratureKernel.ForTanh(16);
        var cases = ActivationTests.Covariances.Concat([(100.0, 100.0, 60.0), (100.0, 25.0, -49.0), (30.0, 0.01, 0.3)]);
        foreach (var (s11, s22, s12) in cases)
        {
            var a = coarse.Transform(s11, s22, s12);
            var b = fine.Transform(s11, s22, s12);
            Assert.Equal(b.Nngp, a.Nngp, 1e-10);
            Assert.Equal(b.Derivative, a.Derivative, 1e-10);
            var c = GaussianQuadratureKernel.Tanh.Transform(s11, s22, s12);
            Assert.Equal(b.Nngp, c.Nngp, 1e-12);
            Assert.Equal(b.Derivative, c.Derivative, 1e-12);
        }
    }

    [Fact]
    public void QuadratureOfIdentityAndErfEqualsTheirClosedForms()
    {
        // The rule is exact up to its stated error for any analytic φ: identity gives K = Σ12, K̇ = 1, and
        // φ = erf gives Williams' kernel. Both are entire; for erf, which grows like e^{y²} off the axis, a strip half-width of 1 keeps
        // that growth out of the error (measured ≤ 5e-16; 1e-13 allows for round-off over ~10⁴ nodes).
        var identity = new GaussianQuadratureKernel(z => (z, 1.0), double.PositiveInfinity, 15);
        var erf = new GaussianQuadratureKernel(z => (SpecialFunctions.Erf(z), 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z)), 1.0, 15);
        foreach (var (s11, s22, s12) in ActivationTests.Covariances)
        {
            ActivationTests.AssertPair(IdentityActivation.Instance.Transform(s11, s22, s12), identity.Transform(s11, s22, s12), 1e-13);
            ActivationTests.AssertPair(ErfActivation.Instance.Transform(s11, s22, s12), erf.Transform(s11, s22, s12), 1e-13);
        }
    }

    [Fact]
    public void TanhAtSmallVarianceIsNearlyLinear()
    {
        // tanh z = z − z³/3 + …: with Σ ~ 1e-6, K = Σ12·(1 + O(Σ)) and K̇ = 1 − O(Σ); relative deviation ≲ 1e-5.
        var (k, kDot) = GaussianQuadratureKernel.Tanh.Transform(1e-6, 2e-6, 0.5e-6);
        Assert.Equal(0.5e-6, k, 0.5e-6 * 1e-5);
        Assert.Equal(1.0, kDot, 1e-5);
    }
}
