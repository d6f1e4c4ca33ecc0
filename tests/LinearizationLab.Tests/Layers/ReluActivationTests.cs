using LinearizationLab.Layers;
using LinearizationLab.Analytic;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about the ReLU arc-cosine kernel.</summary>
public class ReluActivationTests
{

    [Fact]
    public void ReluMatchesArcCosineAtHandComputedAngles()
    {
        // Σ11 = Σ22 = 1: θ = 0 → K = 1/2, K̇ = 1/2; θ = π/2 → K = 1/(2π), K̇ = 1/4; θ = π → K = 0, K̇ = 0.
        var relu = ReluActivation.Instance;
        ActivationTests.AssertPair((0.5, 0.5), relu.Transform(1, 1, 1), 1e-15);
        ActivationTests.AssertPair((1 / (2 * Math.PI), 0.25), relu.Transform(1, 1, 0), 1e-15);
        ActivationTests.AssertPair((0.0, 0.0), relu.Transform(1, 1, -1), 1e-15);
    }
}
