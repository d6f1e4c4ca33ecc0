using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = a·min(x, 0) + b·max(x, 0) (neural-tangents' <c>stax.ABRelu</c>), the base of leaky_relu and abs. Kernel: with
/// θ = arccos(Σ12/√(Σ11Σ22)), K̇ = (a² + b²)/2 − (a − b)²·θ/(2π) and K = (a − b)²·√(Σ11Σ22 − Σ12²)/(2π) + K̇·Σ12: φ = b·r(x) − a·r(−x)
/// with r = ReLU, so K = (a² + b²)·J(Σ12) − 2ab·J(−Σ12) with J the arc-cosine kernel of <see cref="ReluActivation"/>
/// (Cho &amp; Saul 2009; Tsuchida et al. 2018, "Invariance of weight distributions in rectified MLPs"). The angle is treated
/// as ReLU's is: sin²θ below 1e-14 is θ = 0, and θ = π/2 when both arguments of atan2 vanish.
/// </summary>
public abstract class AbReluActivation : Activation
{
    private readonly double _meanSquareSlope;
    private readonly double _angleFactor;

    /// <summary>φ with slope <paramref name="negativeSlope"/> (a) for x &lt; 0 and <paramref name="positiveSlope"/> (b) for x &gt; 0.</summary>
    protected AbReluActivation(double negativeSlope, double positiveSlope)
    {
        if (!double.IsFinite(negativeSlope)) throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "must be finite");
        if (!double.IsFinite(positiveSlope)) throw new ArgumentOutOfRangeException(nameof(positiveSlope), positiveSlope, "must be finite");
        NegativeSlope = negativeSlope;
        PositiveSlope = positiveSlope;
        _meanSquareSlope = (negativeSlope * negativeSlope + positiveSlope * positiveSlope) / 2;
        _angleFactor = (negativeSlope - positiveSlope) * (negativeSlope - positiveSlope) / (2 * Math.PI);
    }

    /// <summary>a, the slope for x &lt; 0.</summary>
    public double NegativeSlope { get; }

    /// <summary>b, the slope for x &gt; 0.</summary>
    public double PositiveSlope { get; }

    /// <summary>False: piecewise linear.</summary>
    public override bool HasCurvature => false;

    /// <inheritdoc/>
    public override double Value(double z) => z * FirstDerivative(z);

    /// <summary>b for z &gt; 0, else a (the left slope at the kink, as ReLU's 1[z &gt; 0]).</summary>
    public override double FirstDerivative(double z) => z > 0 ? PositiveSlope : NegativeSlope;

    /// <summary>0 (the kink at 0 is a Dirac mass, left out).</summary>
    public override double SecondDerivative(double z) => 0.0;

    /// <summary>0 (see <see cref="SecondDerivative(double)"/>).</summary>
    public override double ThirdDerivative(double z) => 0.0;

    /// <summary>z·φ′(z).</summary>
    public override Tensor Apply(Tensor z) => z * Derivative(z);

    /// <summary>a + (b − a)·1[z &gt; 0] in z's dtype.</summary>
    public override Tensor Derivative(Tensor z) => z.Above(0).Scale_(PositiveSlope - NegativeSlope).Shift_(NegativeSlope);

    /// <summary>0 away from the kink.</summary>
    public override Tensor SecondDerivative(Tensor z) => zeros_like(z);

    /// <summary>0 away from the kink.</summary>
    public override Tensor ThirdDerivative(Tensor z) => zeros_like(z);

    /// <inheritdoc/>
    public override void ApplyInPlace(Tensor z, Tensor a, Tensor d)
    {
        using (var zero = 0.0.ToScalar()) d.gt_(zero);
        d.Scale_(PositiveSlope - NegativeSlope).Shift_(NegativeSlope);
        a.mul_(d);
    }

    /// <inheritdoc/>
    public override (double Nngp, double Derivative) Transform(double s11, double s22, double s12)
    {
        // As ReLU's map (docs/KERNEL-CONVENTIONS.md): sin²θ = 1 − ρ² below 1e-14 is round-off of a diagonal computed as a
        // cross pair, so θ = 0 there, which keeps K(x,x) equal to SelfCovariance; a true θ below 1e-7 moves K̇ by < 2e-8·(a−b)².
        double discriminant = s11 * s22 - s12 * s12;
        double root = discriminant <= 1e-14 * s11 * s22 ? 0.0 : Math.Sqrt(discriminant);
        if (root == 0.0 && s12 > 0) return (_meanSquareSlope * s12, _meanSquareSlope);
        double angle = root == 0.0 && s12 == 0.0 ? Math.PI / 2 : Math.Atan2(root, s12);
        double derivative = _meanSquareSlope - _angleFactor * angle;
        return (_angleFactor * root + derivative * s12, derivative);
    }

    /// <summary>E[φ(u)²] = (a² + b²)/2·Σ.</summary>
    public override double SelfCovariance(double variance) => _meanSquareSlope * variance;

    /// <summary>Equal when of the same type with the same slopes (configured instances compare by value).</summary>
    public override bool Equals(object? obj) =>
        obj is AbReluActivation other && other.GetType() == GetType()
        && other.NegativeSlope.Equals(NegativeSlope) && other.PositiveSlope.Equals(PositiveSlope);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(GetType(), NegativeSlope, PositiveSlope);
}
