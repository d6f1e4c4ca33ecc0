using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>A training loss L(f, y) averaged over the examples of a batch.</summary>
public abstract class Loss
{
    /// <summary>Config name: "mse" or "cross_entropy".</summary>
    public abstract string Name { get; }

    /// <summary>Whether the loss needs class labels (cross-entropy) rather than only targets.</summary>
    public virtual bool NeedsLabels => false;

    /// <summary>The loss of outputs <paramref name="f"/> [N, O] against targets <paramref name="y"/> [N, O] or <paramref name="labels"/> [N] (int64).</summary>
    public abstract Tensor Value(Tensor f, Tensor y, Tensor? labels);

    /// <summary>∂L/∂f for outputs <paramref name="f"/> [N, O]: the start of a hand-written reverse pass.</summary>
    public abstract Tensor OutputGradient(Tensor f, Tensor y, Tensor? labels);

    /// <summary>The loss named <paramref name="name"/> ("mse" or "cross_entropy").</summary>
    public static Loss FromName(string name) => name switch
    {
        "mse" => new MeanSquaredError(),
        "cross_entropy" => new SoftmaxCrossEntropy(),
        _ => throw new ArgumentException($"unknown loss '{name}'"),
    };
}
