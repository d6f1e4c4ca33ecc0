using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>φ(x) = x: K = Σ12 and K̇ = 1.</summary>
public sealed class IdentityActivation : Activation
{
    private IdentityActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static IdentityActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "identity";

    /// <inheritdoc/>
    public override bool IsIdentity => true;

    /// <summary>False: piecewise linear.</summary>
    public override bool HasCurvature => false;

    /// <inheritdoc/>
    public override double Value(double z) => z;

    /// <inheritdoc/>
    public override double FirstDerivative(double z) => 1.0;

    /// <inheritdoc/>
    public override double SecondDerivative(double z) => 0.0;

    /// <inheritdoc/>
    public override double ThirdDerivative(double z) => 0.0;

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => z.alias();

    /// <inheritdoc/>
    public override Tensor Derivative(Tensor z) => ones_like(z);

    /// <summary>0.</summary>
    public override Tensor SecondDerivative(Tensor z) => zeros_like(z);

    /// <summary>0.</summary>
    public override Tensor ThirdDerivative(Tensor z) => zeros_like(z);

    /// <summary>Nothing to do: a and d are not used for the identity (the fused passes skip it).</summary>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12) => (s12, 1.0);

    /// <inheritdoc/>
    public override double SelfCovariance(double variance) => variance;
}
