using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about the logistic sigmoid and its quadrature kernel, which, unlike tanh's, integrates a φ that is not odd.</summary>
public class SigmoidActivationTests
{
    [Fact]
    public void KernelIsTanhsKernelShiftedAndScaled()
    {
        // σ(x) = (1 + tanh(x/2))/2 and E[tanh] = 0 give K_σ(Σ) = 1/4 + K_tanh(Σ/4)/4, and σ′(x) = tanh′(x/2)/4 gives
        // K̇_σ(Σ) = K̇_tanh(Σ/4)/16: an independent check of the mean 1/2 that an odd φ would not have, with different nodes.
        // Both quadratures are within 5e-13 of the integrals (GaussianQuadratureKernelTests); 1e-12 of the scale leaves margin.
        var sigmoid = SigmoidActivation.Instance;
        KernelGrids.AssertAgree((s11, s22, s12) =>
        {
            var (k, kDot) = TanhActivation.Instance.Transform(s11 / 4, s22 / 4, s12 / 4);
            return (0.25 + k / 4, kDot / 16);
        }, sigmoid.Transform, GeluActivationTests.Grid(), 1e-12);
        Assert.Equal(0.25, sigmoid.Transform(2.0, 0.5, 0.0).Nngp, 1e-15);   // independent u, v: E[σ]² = 1/4 exactly
    }

    [Fact]
    public void QuadratureConvergesAcrossDigits()
    {
        // As tanh's (GaussianQuadratureKernelTests): 12 and 14 digits against 16 at variances 0.01–100. σ has simple poles at
        // ±iπ, twice tanh's distance, so the stated errors 1e-10 and 1e-12 hold with margin.
        var coarse = new GaussianQuadratureKernel(Pair, Math.PI, 12);
        var fine = new GaussianQuadratureKernel(Pair, Math.PI, 16);
        var cases = ActivationTests.Covariances.Concat([(100.0, 100.0, 60.0), (100.0, 25.0, -49.0), (30.0, 0.01, 0.3)]);
        foreach (var (s11, s22, s12) in cases)
        {
            var b = fine.Transform(s11, s22, s12);
            ActivationTests.AssertPair(b, coarse.Transform(s11, s22, s12), 1e-10);
            ActivationTests.AssertPair(b, SigmoidActivation.Quadrature.Transform(s11, s22, s12), 1e-12);
        }
    }

    private static (double, double) Pair(double z)
    {
        double s = SigmoidActivation.Instance.Value(z);
        return (s, s * (1 - s));
    }
}
