using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// One summand of a parameter unit's Jacobian over its outputs: the traced input a [N, ...] and Δ = ∂f/∂z [N, O, ...] it pairs
/// with, ∂f/∂W ∝ Δ ⊗ a; <paramref name="Bias"/> when ∂f/∂b includes Δ (a Taylor model's bias enters the first jet order
/// only, and the tangent of a adds nothing to it).
/// </summary>
public readonly record struct JacobianFactor(Tensor Input, Tensor Delta, bool Bias = true);
