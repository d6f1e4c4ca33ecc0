namespace LinearizationLab.Analytic;

/// <summary>
/// φ(x) = erf(x) (not erf(x/√2)), Williams 1997: with P = (1 + 2Σ11)(1 + 2Σ22),
/// K = (2/π)·arcsin(2Σ12/√P) and K̇ = (4/π)/√(P − 4Σ12²).
/// </summary>
public sealed class ErfKernel : ActivationKernel
{
    private ErfKernel()
    {
    }

    /// <summary>The shared instance.</summary>
    public static ErfKernel Instance { get; } = new();

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        double p = (1 + 2 * s11) * (1 + 2 * s22);
        double sine = Math.Clamp(2 * s12 / Math.Sqrt(p), -1.0, 1.0);
        return (2 / Math.PI * Math.Asin(sine), 4 / Math.PI / Math.Sqrt(Math.Max(p - 4 * s12 * s12, double.Epsilon)));
    }
}
