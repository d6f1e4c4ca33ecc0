using LinearizationLab.Layers;
using LinearizationLab.Analytic;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about Williams' erf kernel.</summary>
public class ErfActivationTests
{

    [Fact]
    public void ErfMatchesWilliamsFormula()
    {
        // Σ11 = Σ22 = 1/2, Σ12 = 1/4: P = 4, K = (2/π) arcsin(1/4), K̇ = (4/π)/√(4 − 1/4). Both O(1) closed forms
        // of a few float64 operations: 1e-15 is a few ulps.
        ActivationTests.AssertPair((2 / Math.PI * Math.Asin(0.25), 4 / Math.PI / Math.Sqrt(3.75)), ErfActivation.Instance.Transform(0.5, 0.5, 0.25), 1e-15);
        // Self covariance at Σ = 1/2: (2/π) arcsin(1/2) = 1/3 exactly in real arithmetic; a few ulps in float64.
        Assert.Equal(1.0 / 3.0, ErfActivation.Instance.SelfCovariance(0.5), 1e-15);
    }
}
