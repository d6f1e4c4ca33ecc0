using MathNet.Numerics;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = x·Φ(x), the exact GELU (Hendrycks &amp; Gimpel 2016; Φ the standard normal CDF, not the tanh approximation, which is
/// <c>jax.nn.gelu</c>'s default). Kernel as neural-tangents' <c>stax.Gelu</c> (Tsuchida et al. 2021, "Avoiding kernel fixed
/// points: computing with ELU and GELU infinite networks"): with Q = (1 + Σ11)(1 + Σ22), P = Σ11Σ22, Δ² = Q − Σ12² and
/// A = arcsin(Σ12/√Q), K = Σ12/4 + ((Σ12² + P·Δ²)/(Q·Δ) + Σ12·A)/(2π) and K̇ = ∂K/∂Σ12 = 1/4 + A/(2π) + Σ12/(2πΔ)·(1/Δ² + (1 − P)/Q + 1).
/// Δ² ≥ 1 + Σ11 + Σ22 for any covariance, so the map has no singular point.
/// </summary>
public sealed class GeluActivation : Activation
{
    private static readonly double InverseSqrtTwo = 1 / Math.Sqrt(2);
    private static readonly double InverseSqrtTwoPi = 1 / Math.Sqrt(2 * Math.PI);

    private GeluActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static GeluActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "gelu";

    /// <summary>x·Φ(x) with Φ(x) = erfc(−x/√2)/2 (accurate in both tails).</summary>
    public override double Value(double z) => z * NormalCdf(z);

    /// <summary>Φ(z) + z·n(z), n the standard normal density.</summary>
    public override double FirstDerivative(double z) => NormalCdf(z) + z * NormalDensity(z);

    /// <summary>(2 − z²)·n(z).</summary>
    public override double SecondDerivative(double z) => (2 - z * z) * NormalDensity(z);

    /// <summary>z·(z² − 4)·n(z).</summary>
    public override double ThirdDerivative(double z) => z * (z * z - 4) * NormalDensity(z);

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => z * Cdf(z);

    /// <summary>Φ(z) + z·n(z).</summary>
    public override Tensor Derivative(Tensor z) => Cdf(z).Plus(z * Density(z));

    /// <summary>(2 − z²)·n(z).</summary>
    public override Tensor SecondDerivative(Tensor z) => z.Squared().neg().Shifted(2).mul(Density(z));

    /// <summary>z·(z² − 4)·n(z).</summary>
    public override Tensor ThirdDerivative(Tensor z) => z.Squared().Shifted(-4).mul(z).mul(Density(z));

    /// <summary>a ← Φ(z) then z·Φ(z); d ← z·n(z) then Φ(z) + z·n(z); no temporaries.</summary>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.Scale_(-InverseSqrtTwo).erfc_().Scale_(0.5);
        d.mul_(z).Scale_(-0.5).exp_().Scale_(InverseSqrtTwoPi).mul_(z);
        d.Plus_(a);
        a.mul_(z);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double q = (1 + s11) * (1 + s22), p = s11 * s22;
        double deltaSquared = q - s12 * s12, delta = Math.Sqrt(deltaSquared);
        double angle = Math.Atan2(s12, delta);   // arcsin(Σ12/√Q)
        double k = s12 / 4 + ((s12 * s12 + p * deltaSquared) / (q * delta) + s12 * angle) / (2 * Math.PI);
        double kDot = 0.25 + angle / (2 * Math.PI) + s12 / (2 * Math.PI * delta) * (1 / deltaSquared + (1 - p) / q + 1);
        return (k, kDot);
    }

    /// <summary>K at Σ11 = Σ22 = Σ12 = Σ: Σ·(1/4 + (Σ/((1 + Σ)√(1 + 2Σ)) + arctan(Σ/√(1 + 2Σ))/2)/π).</summary>
    public override double SelfCovariance(double variance)
    {
        double root = Math.Sqrt(1 + 2 * variance);
        return variance * (0.25 + (variance / ((1 + variance) * root) + Math.Atan2(variance, root) / 2) / Math.PI);
    }

    private static double NormalCdf(double z) => 0.5 * SpecialFunctions.Erfc(-z * InverseSqrtTwo);

    private static double NormalDensity(double z) => InverseSqrtTwoPi * Math.Exp(-0.5 * z * z);

    private static Tensor Cdf(Tensor z) => z.Scaled(-InverseSqrtTwo).erfc().Scaled(0.5);

    private static Tensor Density(Tensor z) => z.Squared().Scaled(-0.5).exp().Scaled(InverseSqrtTwoPi);
}
