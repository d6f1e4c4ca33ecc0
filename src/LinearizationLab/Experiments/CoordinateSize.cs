using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments;

/// <summary>
/// One point of a coordinate check: the size of a typical coordinate, RMS = √(mean of x²), of one quantity of one layer after
/// <paramref name="Step"/> steps at width <paramref name="Width"/>, averaged over seeds.
/// </summary>
/// <param name="Width">The hidden width n.</param>
/// <param name="Layer">The parameter unit, 1-based (the readout last).</param>
/// <param name="Quantity">One of <see cref="Quantities"/>.</param>
/// <param name="Step">Training steps taken (0: at initialization).</param>
/// <param name="Rms">The seeds' mean RMS.</param>
public sealed record CoordinateSize(int Width, int Layer, string Quantity, int Step, double Rms)
{
    /// <summary>
    /// "preactivation" z_l (the unit's output; for the readout, f), "activation" (what enters the next unit, φ(z_l) after any
    /// pooling; none for the readout), and the change of each since initialization.
    /// </summary>
    public static IReadOnlyList<string> Quantities { get; } = ["preactivation", "activation", "preactivation_change", "activation_change"];

    /// <summary>√(mean of x²) over all entries of <paramref name="x"/>.</summary>
    public static double RmsOf(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Squared().mean().sqrt().ToNumber();
    }
}
