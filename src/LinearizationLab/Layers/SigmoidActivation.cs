using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = σ(x) = 1/(1 + e^(−x)), the logistic function; its kernel map has no closed form and is computed by quadrature
/// (<see cref="Quadrature"/>, 14 digits: σ and σ′ are analytic for |Im z| &lt; π, poles at ±iπ). σ is not odd: E[σ(u)] = 1/2,
/// which the quadrature integrates like any other part of φ (nothing in it assumes symmetry); σ(x) = (1 + tanh(x/2))/2 ties its
/// kernel to tanh's (tests).
/// </summary>
public sealed class SigmoidActivation : Activation
{
    private SigmoidActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static SigmoidActivation Instance { get; } = new();

    /// <summary>σ at the default 14 digits, with σ′ = σ(1 − σ).</summary>
    public static GaussianQuadratureKernel Quadrature { get; } = new(z =>
    {
        double s = Logistic(z);
        return (s, s * (1 - s));
    }, Math.PI);

    /// <summary>The tables of the exact transform, one per variance.</summary>
    public static TabulatedGaussianKernel Tables { get; } = new(Quadrature.Transform);

    /// <inheritdoc/>
    public override string Name => "sigmoid";

    /// <inheritdoc/>
    public override double Value(double z) => Logistic(z);

    /// <summary>σ(1 − σ).</summary>
    public override double FirstDerivative(double z)
    {
        double s = Logistic(z);
        return s * (1 - s);
    }

    /// <summary>σ(1 − σ)(1 − 2σ).</summary>
    public override double SecondDerivative(double z)
    {
        double s = Logistic(z);
        return s * (1 - s) * (1 - 2 * s);
    }

    /// <summary>σ(1 − σ)(1 − 6σ + 6σ²).</summary>
    public override double ThirdDerivative(double z)
    {
        double s = Logistic(z);
        return s * (1 - s) * (1 - 6 * s + 6 * s * s);
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => z.sigmoid();

    /// <summary>σ(1 − σ).</summary>
    public override Tensor Derivative(Tensor z)
    {
        var s = z.sigmoid();
        return s.neg().Shifted(1).mul(s);
    }

    /// <summary>σ(1 − σ)(1 − 2σ).</summary>
    public override Tensor SecondDerivative(Tensor z)
    {
        var s = z.sigmoid();
        return s.neg().Shifted(1).mul(s).mul(s.Scaled(-2).Shifted(1));
    }

    /// <summary>σ(1 − σ)(1 − 6σ + 6σ²).</summary>
    public override Tensor ThirdDerivative(Tensor z)
    {
        var s = z.sigmoid();
        return s.neg().Shifted(1).mul(s).mul(s.Shifted(-1).mul(s).Scaled(6).Shifted(1));
    }

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.sigmoid_();
        d.copy_(a).neg_().Shift_(1).mul_(a);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12) => Quadrature.Transform(s11, s22, s12);

    /// <summary>From a table per variance built on <see cref="Transform"/> (<see cref="TabulatedGaussianKernel"/>).</summary>
    public override (double Nngp, double Derivative) TabulatedTransform(double s11, double s22, double s12) =>
        Tables.Transform(s11, s22, s12);

    /// <summary>1/(1 + e^(−z)) for z ≥ 0 and e^z/(1 + e^z) below, so that no e^(−z) overflows.</summary>
    internal static double Logistic(double z)
    {
        if (z >= 0) return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }
}
