using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = erf(x) (not erf(x/√2)), Williams 1997: with P = (1 + 2Σ11)(1 + 2Σ22),
/// K = (2/π)·arcsin(2Σ12/√P) and K̇ = (4/π)/√(P − 4Σ12²).
/// </summary>
public sealed class ErfActivation : Activation
{
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

    private ErfActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static ErfActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "erf";

    /// <inheritdoc/>
    public override double Value(double z) => MathNet.Numerics.SpecialFunctions.Erf(z);

    /// <summary>(2/√π)·e^(−z²).</summary>
    public override double FirstDerivative(double z) => TwoOverSqrtPi * Math.Exp(-z * z);

    /// <summary>−2z·φ′(z).</summary>
    public override double SecondDerivative(double z) => -2 * z * FirstDerivative(z);

    /// <summary>(4z² − 2)·φ′(z).</summary>
    public override double ThirdDerivative(double z) => (4 * z * z - 2) * FirstDerivative(z);

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => special.erf(z);

    /// <inheritdoc/>
    public override Tensor Derivative(Tensor z) => (-z.Squared()).exp().Scaled(TwoOverSqrtPi);

    /// <summary>−2z·φ′(z).</summary>
    public override Tensor SecondDerivative(Tensor z) => Derivative(z).mul(z).Scaled(-2);

    /// <summary>(4z² − 2)·φ′(z).</summary>
    public override Tensor ThirdDerivative(Tensor z) => Derivative(z).mul(z.Squared().Scaled(4).Shifted(-2));

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.erf_();
        d.mul_(z).neg_().exp_();
        d.Scale_(TwoOverSqrtPi);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double p = (1 + 2 * s11) * (1 + 2 * s22);
        double sine = Math.Clamp(2 * s12 / Math.Sqrt(p), -1.0, 1.0);
        return (2 / Math.PI * Math.Asin(sine), 4 / Math.PI / Math.Sqrt(Math.Max(p - 4 * s12 * s12, double.Epsilon)));
    }
}
