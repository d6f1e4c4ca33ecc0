namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = |x|: the ABReLU kernel with a = −1, b = 1 (<see cref="AbReluActivation"/>; neural-tangents' <c>stax.Abs</c>),
/// K = (2/π)·√(Σ11Σ22 − Σ12²) + (1 − 2θ/π)·Σ12 and K̇ = 1 − 2θ/π.
/// </summary>
public sealed class AbsActivation : AbReluActivation
{
    private AbsActivation()
        : base(-1.0, 1.0)
    {
    }

    /// <summary>The shared instance.</summary>
    public static AbsActivation Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "abs";
}
