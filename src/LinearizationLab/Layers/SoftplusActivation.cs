using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^(−|x|)) (no overflow, no loss in either tail); φ′ = σ, the logistic
/// function. Its kernel map has no closed form and is computed by quadrature (<see cref="Quadrature"/>, 14 digits: φ and σ
/// are analytic for |Im z| &lt; π, branch points and poles at ±iπ). K̇ = E[σ(u)σ(v)] is the sigmoid's K.
/// </summary>
public sealed class SoftplusActivation : Activation
{
    private const double LinearThreshold = 37;

    private SoftplusActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static SoftplusActivation Instance { get; } = new();

    /// <summary>softplus at the default 14 digits, with φ′ = σ.</summary>
    public static GaussianQuadratureKernel Quadrature { get; } = new(z => (LogOnePlusExp(z), SigmoidActivation.Logistic(z)), Math.PI);

    /// <summary>The tables of the exact transform, one per variance.</summary>
    public static TabulatedGaussianKernel Tables { get; } = new(Quadrature.Transform);

    /// <inheritdoc/>
    public override string Name => "softplus";

    /// <inheritdoc/>
    public override double Value(double z) => LogOnePlusExp(z);

    /// <summary>σ(z).</summary>
    public override double FirstDerivative(double z) => SigmoidActivation.Logistic(z);

    /// <summary>σ(1 − σ).</summary>
    public override double SecondDerivative(double z)
    {
        double s = SigmoidActivation.Logistic(z);
        return s * (1 - s);
    }

    /// <summary>σ(1 − σ)(1 − 2σ).</summary>
    public override double ThirdDerivative(double z)
    {
        double s = SigmoidActivation.Logistic(z);
        return s * (1 - s) * (1 - 2 * s);
    }

    /// <summary>
    /// PyTorch's softplus with its linear branch moved from z &gt; 20 (default, 2e-9 off there) to z &gt; 37, where log1p(e^(−z))
    /// &lt; 1e-16 is below half an ulp of z; its gradient is σ(z) everywhere, z = 0 included.
    /// </summary>
    public override Tensor Apply(Tensor z) => nn.functional.softplus(z, 1.0, LinearThreshold);

    /// <summary>σ(z).</summary>
    public override Tensor Derivative(Tensor z) => z.sigmoid();

    /// <summary>σ(1 − σ).</summary>
    public override Tensor SecondDerivative(Tensor z) => SigmoidActivation.Instance.Derivative(z);

    /// <summary>σ(1 − σ)(1 − 2σ).</summary>
    public override Tensor ThirdDerivative(Tensor z) => SigmoidActivation.Instance.SecondDerivative(z);

    /// <summary>d ← log1p(e^(−|z|)), a ← max(z, 0) + d, then d ← σ(z); no temporaries.</summary>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        d.abs_().neg_().exp_().log1p_();
        using (var zero = 0.0.ToScalar()) a.clamp_min_(zero);
        a.Plus_(d);
        d.copy_(z).sigmoid_();
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12) => Quadrature.Transform(s11, s22, s12);

    /// <summary>From a table per variance built on <see cref="Transform"/> (<see cref="TabulatedGaussianKernel"/>).</summary>
    public override (double Nngp, double Derivative) TabulatedTransform(double s11, double s22, double s12) =>
        Tables.Transform(s11, s22, s12);

    /// <summary>max(z, 0) + log1p(e^(−|z|)), with log1p(y) = log(u)·y/(u − 1), u = 1 + y (exact to a few ulps; Goldberg 1991).</summary>
    private static double LogOnePlusExp(double z)
    {
        double y = Math.Exp(-Math.Abs(z)), u = 1 + y;
        double log1p = u == 1 ? y : Math.Log(u) * y / (u - 1);
        return Math.Max(z, 0) + log1p;
    }
}
