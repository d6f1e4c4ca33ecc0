namespace LinearizationLab.Analytic;

/// <summary>φ(x) = x: K = Σ12 and K̇ = 1.</summary>
public sealed class IdentityKernel : ActivationKernel
{
    private IdentityKernel()
    {
    }

    /// <summary>The shared instance.</summary>
    public static IdentityKernel Instance { get; } = new();

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12) => (s12, 1.0);

    /// <inheritdoc/>
    public override double SelfCovariance(double variance) => variance;
}
