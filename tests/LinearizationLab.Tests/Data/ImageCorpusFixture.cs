using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>MNIST and Fashion-MNIST (both splits), loaded once per test class from the repository's .data cache.</summary>
public sealed class ImageCorpusFixture
{
    private readonly Lazy<LabeledImages> _mnistTrain = new(() => LabeledImages.Load(ImageCorpus.Mnist, ImageSplit.Train));
    private readonly Lazy<LabeledImages> _mnistTest = new(() => LabeledImages.Load(ImageCorpus.Mnist, ImageSplit.Test));
    private readonly Lazy<LabeledImages> _fashionTrain = new(() => LabeledImages.Load(ImageCorpus.FashionMnist, ImageSplit.Train));
    private readonly Lazy<LabeledImages> _fashionTest = new(() => LabeledImages.Load(ImageCorpus.FashionMnist, ImageSplit.Test));

    public LabeledImages MnistTrain => _mnistTrain.Value;
    public LabeledImages MnistTest => _mnistTest.Value;
    public LabeledImages FashionTrain => _fashionTrain.Value;
    public LabeledImages FashionTest => _fashionTest.Value;
}
