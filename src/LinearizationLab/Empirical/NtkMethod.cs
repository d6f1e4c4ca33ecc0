namespace LinearizationLab.Empirical;

/// <summary>
/// How <see cref="EmpiricalNtk"/> computes Θ̂ = J Jᵀ; the three agree to float64 round-off
/// (Novak, Sohl-Dickstein &amp; Schoenholz, "Fast Finite Width Neural Tangent Kernel", ICML 2022).
/// </summary>
public enum NtkMethod
{
    /// <summary>Layer by layer from traced layer inputs and per-output pre-activation gradients, never forming J ("structured").</summary>
    Structured,

    /// <summary>Per-example, per-output gradient rows of J, then J Jᵀ in row blocks of bounded memory ("jacobian").</summary>
    Jacobian,

    /// <summary>NTK-vector products Θ̂v = J(Jᵀv): a VJP, then a JVP by the double-backward trick ("ntvp").</summary>
    Ntvp,
}
