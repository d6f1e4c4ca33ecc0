using LinearizationLab.Analytic;
using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Analytic;

public class SignalPropagationTests
{
    [Theory]
    [InlineData(1.0, 0.1)]
    [InlineData(1.5, 0.3)]
    [InlineData(1.9, 0.05)]
    public void ReluIsOrderedBelowTheCriticalWeightVarianceWithTheClosedFormFixedPoint(double w, double b)
    {
        // E[relu(u)²] = q/2 and E[relu′(u)²] = 1/2: q* = σ_b²/(1 − σ_w²/2), χ₁ = σ_w²/2 = χ_c at c* = 1, ξ_c = −1/ln χ₁.
        var p = SignalPropagation.At(Activation.Relu, w, b, depth: 50);
        Assert.Equal(b / (1 - w / 2), p.QStar, 1e-10);
        Assert.Equal(w / 2, p.Chi1, 1e-12);
        Assert.Equal(1, p.CStar, 1e-6);
        Assert.Equal(-1 / Math.Log(w / 2), p.XiC, 1e-6);
        Assert.Equal(w / 2, p.ChiQ, 1e-8);   // the length map is affine in q for ReLU: slope σ_w²/2
    }

    [Fact]
    public void RelusCriticalLineIsTwoAtZeroBiasWhereTheNtkGrowsLinearly()
    {
        // σ_w² = 2, σ_b² = 0: q is preserved (every q is a fixed point), χ₁ = 1, and Θ(x,x) gains q per layer: Θ_L = L·q.
        var p = SignalPropagation.At(Activation.Relu, 2.0, 0.0, depth: 40, inputVariance: 1.5);
        Assert.Equal(1.5, p.QStar, 1e-12);
        Assert.Equal(1.0, p.Chi1, 1e-12);
        Assert.Equal(double.PositiveInfinity, p.XiC);
        Assert.Equal(40 * 1.5, p.NtkDiagonal, 1e-9);
        // Below and above: χ₁ = σ_w²/2 on either side (ReLU's maps are scale invariant, so runaway q changes nothing).
        Assert.Equal(0.9, SignalPropagation.At(Activation.Relu, 1.8, 0.0, depth: 10).Chi1, 1e-12);
        Assert.Equal(1.1, SignalPropagation.At(Activation.Relu, 2.2, 0.0, depth: 10).Chi1, 1e-12);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void ErfsCriticalPointMatchesTheClosedForm(double b)
    {
        // φ = erf: E[erf(u)²] = (2/π)·arcsin(2q/(1 + 2q)), E[erf′(u)²] = (4/π)/√(1 + 4q). The critical σ_w² at this σ_b² solves
        // χ₁ = σ_w²·(4/π)/√(1 + 4q*(σ_w²)) = 1, found here by bisection on the closed forms alone.
        static double QStar(double w, double b)
        {
            double q = 1;
            for (int i = 0; i < 200_000; i++) q = w * 2 / Math.PI * Math.Asin(2 * q / (1 + 2 * q)) + b;
            return q;
        }
        static double Chi(double w, double b) => w * 4 / Math.PI / Math.Sqrt(1 + 4 * QStar(w, b));
        double lo = 0.5, hi = 4;
        for (int i = 0; i < 60; i++)
        {
            double mid = (lo + hi) / 2;
            if (Chi(mid, b) < 1) lo = mid; else hi = mid;
        }
        double critical = (lo + hi) / 2;
        var at = SignalPropagation.At(Activation.Erf, critical, b, depth: 20);
        Assert.Equal(QStar(critical, b), at.QStar, 1e-6);
        Assert.Equal(1.0, at.Chi1, 1e-6);
        // Ordered below (c* = 1, finite ξ_c that the recursion's own convergence reproduces), chaotic above (c* < 1).
        var ordered = SignalPropagation.At(Activation.Erf, 0.8 * critical, b, depth: 400);
        Assert.True(ordered.Chi1 < 1);
        Assert.Equal(1, ordered.CStar, 1e-6);
        Assert.Equal(ordered.XiC, ordered.XiCFit, 0.02 * ordered.XiC);
        var chaotic = SignalPropagation.At(Activation.Erf, 1.5 * critical, b, depth: 400);
        Assert.True(chaotic.Chi1 > 1);
        Assert.True(chaotic.CStar < 0.99);
        Assert.Equal(chaotic.XiC, chaotic.XiCFit, 0.02 * chaotic.XiC);
    }

    [Theory]
    [InlineData(0.0, 0.1)]
    [InlineData(1.0, -0.1)]
    public void BadVariancesAreRejected(double w, double b) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => SignalPropagation.At(Activation.Tanh, w, b, depth: 5));
}
