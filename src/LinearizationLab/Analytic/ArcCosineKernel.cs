namespace LinearizationLab.Analytic;

/// <summary>
/// ReLU: the first-order arc-cosine kernel (Cho &amp; Saul 2009). With θ = arccos(Σ12/√(Σ11Σ22)),
/// K = (√(Σ11Σ22 − Σ12²) + (π − θ)Σ12)/(2π) and K̇ = (π − θ)/(2π).
/// The angle is computed as atan2(√(Σ11Σ22 − Σ12²), Σ12), which is accurate near θ = 0, and set to π/2
/// when both arguments vanish, as neural-tangents does.
/// </summary>
public sealed class ArcCosineKernel : ActivationKernel
{
    private ArcCosineKernel()
    {
    }

    /// <summary>The shared instance.</summary>
    public static ArcCosineKernel Instance { get; } = new();

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double root = Math.Sqrt(Math.Max(s11 * s22 - s12 * s12, 0.0));
        if (root == 0.0 && s12 > 0) return (s12 / 2, 0.5); // θ = 0 exactly, as SelfCovariance: keeps K(x,x) consistent across layers
        double angle = root == 0.0 && s12 == 0.0 ? Math.PI / 2 : Math.Atan2(root, s12);
        double derivative = (Math.PI - angle) / (2 * Math.PI);
        return ((root + (Math.PI - angle) * s12) / (2 * Math.PI), derivative);
    }

    /// <summary>E[max(0,u)²] = Σ/2.</summary>
    public override double SelfCovariance(double variance) => variance / 2;
}
