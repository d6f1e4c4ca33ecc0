using LinearizationLab.Linearization;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests.Linearization;

public class LanczosTests
{
    /// <summary>A = diag(λ) with λ_max = 1 and the rest spread on [0, 0.99]: a gap of 1% below the top.</summary>
    private static readonly double[] Spectrum = [.. Enumerable.Range(0, 500).Select(i => 0.99 * i / 499.0), 1.0];

    private static void Diagonal(double[] q, double[] w)
    {
        for (int i = 0; i < q.Length; i++) w[i] = Spectrum[i] * q[i];
    }

    [Fact]
    public void TheTopRitzValueMeetsItsResidualBoundAndLiesWithinItOfLambdaMax()
    {
        var start = Vector<double>.Build.Dense(Spectrum.Length, 1.0);
        var ritz = Lanczos.TopEigenvalue(Diagonal, start, maxSteps: 200, breakdown: 0, relativeResidual: 1e-8);
        Assert.True(ritz.Residual <= 1e-8 * ritz.Value);
        Assert.InRange(ritz.Value, 1 - ritz.Residual, 1 + 1e-14);   // from below, within the bound
        // Power iteration on this spectrum gains a factor 0.99² per product in the Rayleigh quotient's error; Lanczos needs
        // far fewer products than the ~900 it would take to reach 1e-8.
        Assert.True(ritz.Steps < 120, $"{ritz.Steps} steps");
    }

    [Fact]
    public void WithoutATargetItMakesEveryStepUnlessTheBasisBecomesInvariant()
    {
        var start = Vector<double>.Build.Dense(Spectrum.Length, 1.0);
        Assert.Equal(17, Lanczos.TopEigenvalue(Diagonal, start, maxSteps: 17, breakdown: 0).Steps);
        // A start vector in a 3-dimensional invariant subspace: β_3 = 0 ends it with the exact top eigenvalue there.
        var three = Vector<double>.Build.Dense(Spectrum.Length, i => i is 0 or 250 or 500 ? 1.0 : 0.0);
        var ritz = Lanczos.TopEigenvalue(Diagonal, three, maxSteps: 50, breakdown: 1e-12);
        Assert.Equal(3, ritz.Steps);
        Assert.Equal(1.0, ritz.Value, 1e-14);
    }
}
