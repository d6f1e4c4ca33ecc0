using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>A model the <c>Training.Trainer</c> can train: trainable parameter tensors and a forward pass f(x; θ).</summary>
public interface ITrainableModel
{
    /// <summary>The trainable tensors θ, in a fixed order (leaf tensors with requires_grad).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>f(x; θ) for a batch x [N, ...] → [N, O].</summary>
    Tensor Forward(Tensor x);
}
