namespace LinearizationLab.Data;

/// <summary>Which published split of an image corpus to read.</summary>
public enum ImageSplit
{
    /// <summary>The training images (files <c>train-*</c>).</summary>
    Train,

    /// <summary>The test images (files <c>t10k-*</c>).</summary>
    Test,
}
