using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// A model that holds its outputs on some input sets without a forward pass: the linearization in function space keeps
/// f(x; θ0) and Θ̂0(x, X) for the training set and, when affordable, the test set. The <c>Training.Trainer</c> asks it
/// first when it evaluates a set.
/// </summary>
public interface IKnownInputsModel : ITrainableModel
{
    /// <summary>f(x; θ) [N, O] when <paramref name="x"/> is one of the input tensors the model was built with (the same object), else null.</summary>
    Tensor? OutputsOn(Tensor x);
}
