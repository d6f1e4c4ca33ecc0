namespace LinearizationLab.Data;

/// <summary>The 28×28 grey-scale, ten-class image collections stored as IDX files.</summary>
public enum ImageCorpus
{
    /// <summary>Handwritten digits (LeCun, Cortes and Burges), 60,000 train and 10,000 test images.</summary>
    Mnist,

    /// <summary>Zalando's Fashion-MNIST (Xiao, Rasul and Vollgraf 2017), same sizes as MNIST, 1,000 test images per class.</summary>
    FashionMnist,
}
