using LinearizationLab.Layers;
using TorchSharp;
using LinearizationLab.Networks;
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

    /// <summary>∂L/∂f = (softmax(f) − onehot(label))/N.</summary>
    public override Tensor OutputGradient(Tensor f, Tensor y, Tensor? labels)
    {
        if (labels is null) throw new ArgumentException("cross-entropy needs class labels; this dataset has none");
        var p = nn.functional.softmax(f, 1);
        using var minusOne = (-1.0).ToScalar();
        p.scatter_add_(1, labels.unsqueeze(1), full([f.shape[0], 1], minusOne, f.dtype, f.device));
        return p.Scale_(1.0 / f.shape[0]);
    }
}
