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
        (f - y).square().sum().Scaled(0.5 / f.shape[0]);

    /// <summary>∂L/∂f = (f − y)/N.</summary>
    public override Tensor OutputGradient(Tensor f, Tensor y, Tensor? labels) => (f - y).Scale_(1.0 / f.shape[0]);
}
