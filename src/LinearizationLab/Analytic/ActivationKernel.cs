using LinearizationLab.Architecture;

namespace LinearizationLab.Analytic;

/// <summary>
/// The Gaussian expectations an elementwise nonlinearity φ contributes to the infinite-width
/// recursions: for (u, v) ~ N(0, [[Σ11, Σ12], [Σ12, Σ22]]) the NNGP map K = E[φ(u) φ(v)] and the
/// derivative kernel K̇ = E[φ'(u) φ'(v)], with which the NTK transforms as Θ ← K̇·Θ (Jacot et al. 2018;
/// neural-tangents' <c>stax</c> elementwise layers).
/// </summary>
public abstract class ActivationKernel
{
    /// <summary>
    /// K = E[φ(u) φ(v)] and K̇ = E[φ'(u) φ'(v)] for pre-activation variances <paramref name="s11"/>,
    /// <paramref name="s22"/> and covariance <paramref name="s12"/>.
    /// </summary>
    public abstract (double Nngp, double Derivative) Transform(double s11, double s22, double s12);

    /// <summary>E[φ(u)²] for u ~ N(0, <paramref name="variance"/>): the diagonal of the NNGP map.</summary>
    public virtual double SelfCovariance(double variance) => Transform(variance, variance, variance).Nngp;

    /// <summary>
    /// The kernel of an arch.json activation: ReLU and erf in closed form, identity, and tanh by
    /// Gaussian quadrature (<see cref="GaussianQuadratureKernel.Tanh"/>).
    /// </summary>
    public static ActivationKernel For(Activation activation) => activation switch
    {
        Activation.Relu => ArcCosineKernel.Instance,
        Activation.Erf => ErfKernel.Instance,
        Activation.Identity => IdentityKernel.Instance,
        Activation.Tanh => GaussianQuadratureKernel.Tanh,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no kernel for this activation"),
    };
}
