using LinearizationLab.Layers;

using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// A model that computes its gradients by a hand-written reverse pass through preallocated buffers and hands them to the
/// optimizer as they are produced (<see cref="IGradientSink"/>), so a training step allocates nothing parameter-sized and
/// never stores ∂L/∂θ. The <c>Training.Trainer</c> uses it when <see cref="TrainsByHand"/>, and autograd otherwise.
/// </summary>
public interface IBackpropModel : ITrainableModel
{
    /// <summary>Whether a training step takes the hand-written passes (they cover every layer of the model, and are the faster way).</summary>
    bool TrainsByHand { get; }

    /// <summary>
    /// f(x; θ) at the current parameters, keeping what <see cref="Backprop"/> needs. <paramref name="sameBatch"/> promises
    /// that x holds the same examples as in the previous call, so work that depends only on x may be reused.
    /// <paramref name="rows"/> says which examples of the training set x holds (null: all of them, in order); a model that
    /// keeps state per training example (the linearization in function space) reads it, the others ignore it. The result
    /// is a buffer of the model's, valid until the next call.
    /// </summary>
    Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null);

    /// <summary>Hands ∂L/∂θ for δ = ∂L/∂f (of the last <see cref="ForwardForBackprop"/>) to <paramref name="sink"/>; δ is overwritten.</summary>
    void Backprop(Tensor outputGradient, IGradientSink sink);
}
