using LinearizationLab.Configuration;

namespace LinearizationLab.Layers;

/// <summary>
/// φ(x) = max(x, 0) + slope·min(x, 0), arch.json <c>{"type": "leaky_relu", "slope": 0.1}</c> (slope any finite number,
/// default 0.01 as PyTorch's <c>LeakyReLU</c>): the ABReLU kernel with a = slope, b = 1 (<see cref="AbReluActivation"/>;
/// neural-tangents' <c>stax.LeakyRelu</c>).
/// </summary>
public sealed class LeakyReluActivation : AbReluActivation
{
    /// <summary>The slope for x &lt; 0 when arch.json gives none (PyTorch's default).</summary>
    public const double DefaultSlope = 0.01;

    private LeakyReluActivation(double slope)
        : base(slope, 1.0)
    {
    }

    /// <summary>The instance with the default slope.</summary>
    public static LeakyReluActivation Instance { get; } = new(DefaultSlope);

    /// <summary>Leaky ReLU with slope <paramref name="slope"/> for x &lt; 0 (finite).</summary>
    public static LeakyReluActivation WithSlope(double slope) => slope.Equals(DefaultSlope) ? Instance : new(slope);

    /// <summary>The slope for x &lt; 0.</summary>
    public double Slope => NegativeSlope;

    /// <inheritdoc/>
    public override string Name => "leaky_relu";

    /// <summary>Reads the optional <c>slope</c> field (a finite number, default <see cref="DefaultSlope"/>).</summary>
    public override Activation Configured(JsonSection layer) => WithSlope(layer.Double("slope", DefaultSlope));

    /// <summary>"leaky_relu(slope)".</summary>
    public override string ToString() => $"{Name}({Slope.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
}
