using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = sin(x). Kernel (neural-tangents' <c>stax.Sin</c> with a = b = 1, c = 0): from sin u·sin v = (cos(u − v) − cos(u + v))/2
/// and E[cos w] = e^(−Var w/2), K = e^(−(Σ11 + Σ22)/2)·sinh(Σ12) and K̇ = E[cos u·cos v] = e^(−(Σ11 + Σ22)/2)·cosh(Σ12).
/// </summary>
public sealed class SinActivation : Activation
{
    private SinActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static SinActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "sin";

    /// <inheritdoc/>
    public override double Value(double z) => Math.Sin(z);

    /// <summary>cos z.</summary>
    public override double FirstDerivative(double z) => Math.Cos(z);

    /// <summary>−sin z.</summary>
    public override double SecondDerivative(double z) => -Math.Sin(z);

    /// <summary>−cos z.</summary>
    public override double ThirdDerivative(double z) => -Math.Cos(z);

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => z.sin();

    /// <summary>cos z.</summary>
    public override Tensor Derivative(Tensor z) => z.cos();

    /// <summary>−sin z.</summary>
    public override Tensor SecondDerivative(Tensor z) => z.sin().neg();

    /// <summary>−cos z.</summary>
    public override Tensor ThirdDerivative(Tensor z) => z.cos().neg();

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.sin_();
        d.cos_();
    }

    /// <summary>
    /// For |Σ12| &lt; 1, e^(−(Σ11+Σ22)/2)·sinh(Σ12) (sinh keeps the relative accuracy of small Σ12); beyond, (e^(Σ12−S) ∓ e^(−Σ12−S))/2
    /// with S = (Σ11 + Σ22)/2 ≥ |Σ12|, whose exponents are ≤ 0, so large variances cannot overflow sinh and cosh.
    /// </summary>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double half = (s11 + s22) / 2;
        if (Math.Abs(s12) < 1)
        {
            double scale = Math.Exp(-half);
            return (scale * Math.Sinh(s12), scale * Math.Cosh(s12));
        }

        double up = Math.Exp(s12 - half), down = Math.Exp(-s12 - half);
        return ((up - down) / 2, (up + down) / 2);
    }
}
