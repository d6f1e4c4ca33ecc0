using LinearizationLab.Layers;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>
/// L = ½ · (1/N) Σ_n ‖f(x_n) − y_n‖² — half the mean over examples of the squared error summed over
/// the O outputs. (neural-tangents' gradient_descent_mse averages over all N·O entries instead, so its
/// time constants are O times ours.)
/// </summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    public override Tensor Value(Tensor f, Tensor y, Tensor? labels) =>
        (f - y).Squared().sum().Scaled(0.5 / f.shape[0]);

    /// <summary>∂L/∂f = (f − y)/N.</summary>
    public override Tensor OutputGradient(Tensor f, Tensor y, Tensor? labels) => (f - y).Scale_(1.0 / f.shape[0]);

    /// <summary>
    /// The same loss of float64 outputs <paramref name="f"/> against targets <paramref name="y"/>, both N × O row-major:
    /// ½·Σ(f − y)²/<paramref name="exampleCount"/>, summed in index order.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Of(ReadOnlySpan<double> f, ReadOnlySpan<double> y, int exampleCount)
    {
        if (f.Length != y.Length) throw new ArgumentException($"{f.Length} outputs but {y.Length} targets");
        double s = 0;
        for (int i = 0; i < f.Length; i++) s += (f[i] - y[i]) * (f[i] - y[i]);
        return 0.5 * s / exampleCount;
    }
}
