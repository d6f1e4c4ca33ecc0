using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>L = (1/N) Σ_n −log softmax(f(x_n))_{label_n}, the mean softmax cross-entropy over examples.</summary>
public sealed class SoftmaxCrossEntropy : Loss
{
    /// <inheritdoc/>
    public override string Name => "cross_entropy";

    /// <inheritdoc/>
    public override bool NeedsLabels => true;

    /// <inheritdoc/>
    public override Tensor Value(Tensor f, Tensor y, Tensor? labels)
    {
        if (labels is null) throw new ArgumentException("cross-entropy needs class labels; this dataset has none");
        return nn.functional.cross_entropy(f, labels);
    }
}
