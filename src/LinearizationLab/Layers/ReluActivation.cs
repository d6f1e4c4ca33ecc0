using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = max(0, x). Kernel: the first-order arc-cosine kernel (Cho &amp; Saul 2009). With θ = arccos(Σ12/√(Σ11Σ22)),
/// K = (√(Σ11Σ22 − Σ12²) + (π − θ)Σ12)/(2π) and K̇ = (π − θ)/(2π).
/// The angle is computed as atan2(√(Σ11Σ22 − Σ12²), Σ12), which is accurate near θ = 0, and set to π/2
/// when both arguments vanish, as neural-tangents does.
/// </summary>
public sealed class ReluActivation : Activation
{
    private static readonly Scalar ZeroScalar = 0.0.ToScalar();

    private ReluActivation()
    {
    }

    /// <summary>The shared instance.</summary>
    public static ReluActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "relu";

    /// <summary>False: piecewise linear.</summary>
    public override bool HasCurvature => false;

    /// <inheritdoc/>
    public override double Value(double z) => Math.Max(z, 0.0);

    /// <summary>1[z &gt; 0].</summary>
    public override double FirstDerivative(double z) => z > 0 ? 1.0 : 0.0;

    /// <summary>0 (the kink at 0 is a Dirac mass, left out).</summary>
    public override double SecondDerivative(double z) => 0.0;

    /// <summary>0 (see <see cref="SecondDerivative(double)"/>).</summary>
    public override double ThirdDerivative(double z) => 0.0;

    /// <inheritdoc/>
    public override Tensor Apply(Tensor z) => nn.functional.relu(z);

    /// <summary>1[z &gt; 0] in z's dtype.</summary>
    public override Tensor Derivative(Tensor z) => z.Above(0);

    /// <summary>0 away from the kink.</summary>
    public override Tensor SecondDerivative(Tensor z) => zeros_like(z);

    /// <summary>0 away from the kink.</summary>
    public override Tensor ThirdDerivative(Tensor z) => zeros_like(z);

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        a.relu_();
        d.gt_(ZeroScalar);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        // sin²θ = 1 − ρ² below 1e-14 is 0: there θ is lost to the round-off of Σ12 (one example seen twice, its diagonal
        // computed as a cross pair with K⁰ from a GEMM, differs from its self run in the last bits, which alone would give
        // θ ~ 1e-8), so θ = 0 keeps K(x,x) and K̇ = ½ as the self run has them; a true θ below 1e-7 moves K̇ by < 2e-8.
        double discriminant = s11 * s22 - s12 * s12;
        double root = discriminant <= 1e-14 * s11 * s22 ? 0.0 : Math.Sqrt(discriminant);
        if (root == 0.0 && s12 > 0) return (s12 / 2, 0.5); // θ = 0 exactly, as SelfCovariance: keeps K(x,x) consistent across layers
        double angle = root == 0.0 && s12 == 0.0 ? Math.PI / 2 : Math.Atan2(root, s12);
        double derivative = (Math.PI - angle) / (2 * Math.PI);
        return ((root + (Math.PI - angle) * s12) / (2 * Math.PI), derivative);
    }

    /// <summary>E[max(0,u)²] = Σ/2.</summary>
    public override double SelfCovariance(double variance) => variance / 2;
}
