using System.Reflection;
using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// An elementwise nonlinearity φ, everything about it in one object: φ and its derivatives on numbers, φ and φ′ on tensors
/// (with the in-place pass of fused training), and its infinite-width kernel map — for (u, v) ~ N(0, [[Σ11, Σ12], [Σ12, Σ22]])
/// K = E[φ(u) φ(v)] and K̇ = E[φ′(u) φ′(v)], with which the NTK transforms as Θ ← K̇·Θ (Jacot et al. 2018; neural-tangents'
/// <c>stax</c> elementwise layers). Every subclass of this assembly with a static <c>Instance</c> is an arch.json layer type.
/// </summary>
public abstract class Activation
{
    private static readonly Lazy<IReadOnlyList<Activation>> Known = new(Discover);

    /// <summary>The arch.json <c>type</c>: "relu", "erf", ….</summary>
    public abstract string Name { get; }

    /// <summary>Whether φ(x) = x (the fused passes then skip the layer).</summary>
    public virtual bool IsIdentity => false;

    /// <summary>
    /// Whether φ″ or φ‴ can be nonzero (false for piecewise-linear φ: ReLU and the identity), so the jets of Taylor models
    /// can skip their curvature terms.
    /// </summary>
    public virtual bool HasCurvature => true;

    /// <summary>φ(z).</summary>
    public abstract double Value(double z);

    /// <summary>φ′(z).</summary>
    public abstract double FirstDerivative(double z);

    /// <summary>φ″(z) (for piecewise-linear φ, 0 away from the kinks).</summary>
    public abstract double SecondDerivative(double z);

    /// <summary>φ‴(z) (for piecewise-linear φ, 0 away from the kinks).</summary>
    public abstract double ThirdDerivative(double z);

    /// <summary>φ(z) elementwise.</summary>
    public abstract Tensor Apply(Tensor z);

    /// <summary>φ′(z) elementwise.</summary>
    public abstract Tensor Derivative(Tensor z);

    /// <summary>φ″(z) elementwise (for piecewise-linear φ, 0: the almost-everywhere derivative, kinks left out).</summary>
    public abstract Tensor SecondDerivative(Tensor z);

    /// <summary>φ‴(z) elementwise (for piecewise-linear φ, 0 as <see cref="SecondDerivative(Tensor)"/>).</summary>
    public abstract Tensor ThirdDerivative(Tensor z);

    /// <summary>[φ′(z), …, φ^(order)(z)] elementwise for 1 ≤ <paramref name="order"/> ≤ 3: what a Taylor jet of that order needs.</summary>
    public Tensor[] Derivatives(Tensor z, int order) => order switch
    {
        1 => [Derivative(z)],
        2 => [Derivative(z), SecondDerivative(z)],
        3 => [Derivative(z), SecondDerivative(z), ThirdDerivative(z)],
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "jets of order 1 to 3"),
    };

    /// <summary>a ← φ(z) and d ← φ′(z) in place, where <paramref name="a"/> and <paramref name="d"/> start as copies of <paramref name="z"/> (same formulas as <see cref="Apply"/> and <see cref="Derivative"/>).</summary>
    public abstract void ApplyInPlace(Tensor z, Tensor a, Tensor d);

    /// <summary>
    /// K = E[φ(u) φ(v)] and K̇ = E[φ′(u) φ′(v)] for pre-activation variances <paramref name="s11"/>,
    /// <paramref name="s22"/> and covariance <paramref name="s12"/>.
    /// </summary>
    public abstract (double Nngp, double Derivative) Transform(double s11, double s22, double s12);

    /// <summary>
    /// <see cref="Transform"/> for large kernels: activations without a closed form read it from a table per variance
    /// (<see cref="TabulatedGaussianKernel"/>, within 1e-7 of the kernel's scale); the default is <see cref="Transform"/> itself.
    /// </summary>
    public virtual (double Nngp, double Derivative) TabulatedTransform(double s11, double s22, double s12) => Transform(s11, s22, s12);

    /// <summary>E[φ(u)²] for u ~ N(0, <paramref name="variance"/>): the diagonal of the NNGP map.</summary>
    public virtual double SelfCovariance(double variance) => Transform(variance, variance, variance).Nngp;

    /// <summary>
    /// The activation an arch.json layer object of this <see cref="Name"/> describes: an activation with fields (leaky_relu's
    /// <c>slope</c>) reads them from <paramref name="layer"/> and returns the configured instance, whose equality is by value;
    /// the default reads nothing and returns this instance, so any field left in the object is rejected as unknown.
    /// </summary>
    public virtual Activation Configured(JsonSection layer) => this;

    /// <summary>max(0, x).</summary>
    public static Activation Relu => ReluActivation.Instance;

    /// <summary>erf(x) (not erf(x/√2); see docs/KERNEL-CONVENTIONS.md).</summary>
    public static Activation Erf => ErfActivation.Instance;

    /// <summary>tanh(x).</summary>
    public static Activation Tanh => TanhActivation.Instance;

    /// <summary>x.</summary>
    public static Activation Identity => IdentityActivation.Instance;

    /// <summary>x·Φ(x), the exact GELU (Φ the standard normal CDF).</summary>
    public static Activation Gelu => GeluActivation.Instance;

    /// <summary>max(x, 0) + 0.01·min(x, 0) (<see cref="LeakyReluActivation.WithSlope"/> for other slopes).</summary>
    public static Activation LeakyRelu => LeakyReluActivation.Instance;

    /// <summary>|x|.</summary>
    public static Activation Abs => AbsActivation.Instance;

    /// <summary>sin(x).</summary>
    public static Activation Sin => SinActivation.Instance;

    /// <summary>1/(1 + e^(−x)).</summary>
    public static Activation Sigmoid => SigmoidActivation.Instance;

    /// <summary>log(1 + e^x).</summary>
    public static Activation Softplus => SoftplusActivation.Instance;

    /// <summary>Every activation of this assembly, ordered by name.</summary>
    public static IReadOnlyList<Activation> All => Known.Value;

    /// <summary>The activation called <paramref name="name"/>.</summary>
    public static Activation ByName(string name) => All.FirstOrDefault(a => a.Name == name)
        ?? throw new ArgumentException($"unknown activation '{name}' ({string.Join(", ", All.Select(a => a.Name))})", nameof(name));

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static IReadOnlyList<Activation> Discover() => typeof(Activation).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(Activation).IsAssignableFrom(t))
        .Select(t => t.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as Activation)
        .OfType<Activation>()
        .OrderBy(a => a.Name, StringComparer.Ordinal)
        .ToArray();
}
