using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>φ(x) = tanh(x); its kernel map has no closed form and is computed by quadrature (<see cref="GaussianQuadratureKernel.Tanh"/>, 14 digits).</summary>
public sealed class TanhActivation : Activation
{
    private TanhActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static TanhActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "tanh";

    /// <inheritdoc/>
    public override double Value(double z) => Math.Tanh(z);

    /// <summary>1 − tanh²(z).</summary>
    public override double FirstDerivative(double z)
    {
        double t = Math.Tanh(z);
        return 1 - t * t;
    }

    /// <summary>−2·tanh(z)·(1 − tanh²(z)).</summary>
    public override double SecondDerivative(double z)
    {
        double t = Math.Tanh(z);
        return -2 * t * (1 - t * t);
    }

    /// <summary>(6·tanh²(z) − 2)·(1 − tanh²(z)).</summary>
    public override double ThirdDerivative(double z)
    {
        double t = Math.Tanh(z);
        return (6 * t * t - 2) * (1 - t * t);
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => z.tanh();

    /// <inheritdoc/>
    public override Tensor Derivative(Tensor z) => z.tanh().Squared().neg().Shifted(1);

    /// <summary>−2·tanh(z)·(1 − tanh²(z)).</summary>
    public override Tensor SecondDerivative(Tensor z)
    {
        var t = z.tanh();
        return t.mul(t.Squared().neg().Shifted(1)).Scaled(-2);
    }

    /// <summary>(6·tanh²(z) − 2)·(1 − tanh²(z)).</summary>
    public override Tensor ThirdDerivative(Tensor z)
    {
        var t2 = z.tanh().Squared();
        return t2.Scaled(6).Shifted(-2).mul(t2.neg().Shifted(1));
    }

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.tanh_();
        d.copy_(a).mul_(a).neg_();
        d.Shift_(1);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12) =>
        GaussianQuadratureKernel.Tanh.Transform(s11, s22, s12);

    /// <summary>From a table per variance built on <see cref="Transform"/> (<see cref="TabulatedGaussianKernel"/>).</summary>
    public override (double Nngp, double Derivative) TabulatedTransform(double s11, double s22, double s12) =>
        Tables.Transform(s11, s22, s12);

    /// <summary>The tables of the exact transform, one per variance.</summary>
    public static TabulatedGaussianKernel Tables { get; } = new((s11, s22, s12) => GaussianQuadratureKernel.Tanh.Transform(s11, s22, s12));
}
