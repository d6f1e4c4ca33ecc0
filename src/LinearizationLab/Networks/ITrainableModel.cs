using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>A model the <c>Training.Trainer</c> can train: trainable parameter tensors and a forward pass f(x; θ).</summary>
public interface ITrainableModel
{
    /// <summary>The trainable tensors θ, in a fixed order (leaf tensors with requires_grad).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>f(x; θ) for a batch x [N, ...] → [N, O].</summary>
    Tensor Forward(Tensor x);

    /// <summary>
    /// Where the network's θ is 0 in this model's parameters, the center of weight decay toward 0: null (all zero) for the
    /// network itself; −θ0 for a model trained as a displacement Δθ = θ − θ0. A null entry means that tensor's zero.
    /// </summary>
    IReadOnlyList<Tensor?>? ParametersAtZero => null;

    /// <summary>
    /// Each tensor's learning rate relative to the optimizer's η (an abc-parameterization's m^−c, <c>Layers.AbcFactors</c>), or
    /// null when all are 1.
    /// </summary>
    IReadOnlyList<double>? LearningRateScales => null;

    /// <summary>
    /// Each tensor's factor in parameterization-aware weight decay (<c>"weight_decay_form": "effective"</c>): the square of the
    /// multiplier the network applies to it (<c>Architecture.ArchitectureSpec.EffectiveDecayScales</c>), or null when all are 1.
    /// </summary>
    IReadOnlyList<double>? EffectiveDecayScales => null;
}
