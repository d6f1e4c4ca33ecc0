using LinearizationLab.Layers;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts every activation kernel must satisfy, and the covariances the activation tests use.</summary>
public class ActivationTests
{
    internal static readonly (double S11, double S22, double S12)[] Covariances =
    [
        (1.0, 1.0, 0.3), (0.5, 2.0, -0.7), (3.0, 0.2, 0.7), (2.0, 2.0, 2.0), (4.0, 1.0, -1.9), (0.01, 0.02, 0.005),
    ];

    /// <summary>The activations of the arch.json contract.</summary>
    public static TheoryData<string> Names => new()
    {
        "relu", "erf", "tanh", "identity", "gelu", "leaky_relu", "abs", "sin", "sigmoid", "softplus",
    };

    internal static void AssertPair((double Nngp, double Derivative) expected, (double Nngp, double Derivative) actual, double tolerance)
    {
        Assert.Equal(expected.Nngp, actual.Nngp, tolerance);
        Assert.Equal(expected.Derivative, actual.Derivative, tolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DerivativeKernelIsTheSlopeInTheCovariance(string name)
    {
        // Price's theorem: ∂E[φ(u)φ(v)]/∂Σ12 = E[φ'(u)φ'(v)]. Central differences with step 1e-5 have
        // truncation error ~ h²·∂³K ≈ 1e-10 and round-off ~ 1e-16/h ≈ 1e-11 (tanh adds its quadrature
        // error 5e-13/h ≈ 5e-8); 2e-7 leaves margin.
        var kernel = Activation.ByName(name);
        const double h = 1e-5;
        foreach (var (s11, s22, s12) in Covariances.Where(c => Math.Abs(c.S12) < 0.99 * Math.Sqrt(c.S11 * c.S22)))
        {
            double slope = (kernel.Transform(s11, s22, s12 + h).Nngp - kernel.Transform(s11, s22, s12 - h).Nngp) / (2 * h);
            Assert.Equal(kernel.Transform(s11, s22, s12).Derivative, slope, 2e-7);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DerivativesAreTheSlopesOfTheLowerOnes(string name)
    {
        // Central differences with h = 1e-5: truncation ~ h²·φ⁽ⁿ⁺²⁾ ≲ 1e-9, round-off ~ 1e-16/h ≈ 1e-11; 1e-8 leaves margin.
        // Points avoid ReLU's kink at 0.
        var phi = Activation.ByName(name);
        const double h = 1e-5;
        foreach (double z in new[] { -1.7, -0.4, 0.3, 1.1, 2.5 })
        {
            Assert.Equal(phi.FirstDerivative(z), (phi.Value(z + h) - phi.Value(z - h)) / (2 * h), 1e-8);
            Assert.Equal(phi.SecondDerivative(z), (phi.FirstDerivative(z + h) - phi.FirstDerivative(z - h)) / (2 * h), 1e-8);
            Assert.Equal(phi.ThirdDerivative(z), (phi.SecondDerivative(z + h) - phi.SecondDerivative(z - h)) / (2 * h), 1e-8);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TensorPassesAgreeWithTheScalarFunctions(string name)
    {
        // The tensor φ, φ′ and the in-place pass of fused training are the same functions in float64 (round-off 1e-15).
        var phi = Activation.ByName(name);
        double[] zs = [-1.7, -0.4, 0.3, 1.1, 2.5];
        using var z = TorchSharp.torch.tensor(zs, TorchSharp.torch.ScalarType.Float64);
        using var a = z.clone();
        using var d = z.clone();
        phi.ApplyInPlace(z, a, d);
        var value = phi.Apply(z).data<double>().ToArray();
        var derivative = phi.Derivative(z).data<double>().ToArray();
        var higher = phi.Derivatives(z, 3).Select(t => t.data<double>().ToArray()).ToArray();
        for (int i = 0; i < zs.Length; i++)
        {
            Assert.Equal(phi.Value(zs[i]), value[i], 1e-15);
            Assert.Equal(phi.FirstDerivative(zs[i]), derivative[i], 1e-15);
            Assert.Equal(derivative[i], higher[0][i], 1e-15);
            Assert.Equal(phi.SecondDerivative(zs[i]), higher[1][i], 1e-14);
            Assert.Equal(phi.ThirdDerivative(zs[i]), higher[2][i], 1e-14);
            if (phi.IsIdentity) continue;
            Assert.Equal(value[i], a.data<double>()[i], 1e-15);
            Assert.Equal(derivative[i], d.data<double>()[i], 1e-15);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AutogradThroughApplyGivesTheDerivative(string name)
    {
        // Networks without hand-written passes train through autograd on Apply: its gradient must be φ′ (float64 round-off),
        // also at z = 0, where the kinked φ take their left slope as φ′ does, and Apply must not modify what autograd saved.
        var phi = Activation.ByName(name);
        double[] zs = [-1.7, -0.4, 0.0, 0.3, 1.1, 2.5, 40.0];
        using var z = TorchSharp.torch.tensor(zs, TorchSharp.torch.ScalarType.Float64).requires_grad_();
        phi.Apply(z).sum().backward();
        var gradient = z.grad!.data<double>().ToArray();
        for (int i = 0; i < zs.Length; i++) Assert.Equal(phi.FirstDerivative(zs[i]), gradient[i], 1e-15);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void KernelIsTheMonteCarloMeanOfTheProducts(string name)
    {
        // K = E[φ(u)φ(v)] and K̇ = E[φ′(u)φ′(v)] against the means of 2e5 float64 samples of (u, v): each mean is within
        // 5 standard errors of its expectation except with probability 6e-7 (the seed is fixed, so the test is deterministic).
        // The map's own error (≤ 1e-12, quadrature) is far below the standard errors (≥ 1e-4 of the scale).
        var phi = Activation.ByName(name);
        const int n = 200_000;
        foreach (var (s11, s22, rho) in new[] { (1.0, 2.0, 0.6), (0.5, 3.0, -0.4) })
        {
            double s12 = rho * Math.Sqrt(s11 * s22);
            var random = new Random(11);
            var k = new double[n];
            var kDot = new double[n];
            for (int i = 0; i < n; i++)
            {
                var (s, r) = StandardNormalPair(random);
                double u = Math.Sqrt(s11) * s, v = Math.Sqrt(s22) * (rho * s + Math.Sqrt(1 - rho * rho) * r);
                k[i] = phi.Value(u) * phi.Value(v);
                kDot[i] = phi.FirstDerivative(u) * phi.FirstDerivative(v);
            }
            var (expected, expectedDot) = phi.Transform(s11, s22, s12);
            AssertWithinStandardErrors(expected, k, 5, $"{name} K at ({s11}, {s22}, ρ = {rho})");
            AssertWithinStandardErrors(expectedDot, kDot, 5, $"{name} K̇ at ({s11}, {s22}, ρ = {rho})");
        }
    }

    private static void AssertWithinStandardErrors(double expected, double[] samples, double count, string what)
    {
        double mean = samples.Average();
        double standardError = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / (samples.Length - 1) / samples.Length);
        Assert.True(Math.Abs(mean - expected) <= count * standardError + 1e-15 * Math.Abs(expected),
            $"{what}: Monte Carlo {mean} ± {standardError} vs {expected}");
    }

    /// <summary>Two independent standard normals (Box–Muller).</summary>
    internal static (double, double) StandardNormalPair(Random random)
    {
        double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), angle = 2 * Math.PI * random.NextDouble();
        return (radius * Math.Cos(angle), radius * Math.Sin(angle));
    }

    [Fact]
    public void EveryActivationIsFoundByItsName() =>
        Assert.Equal(["abs", "erf", "gelu", "identity", "leaky_relu", "relu", "sigmoid", "sin", "softplus", "tanh"],
            Activation.All.Select(a => a.Name).ToArray());
}
