namespace LinearizationLab.Data;

/// <summary>How a subset of an image split is chosen.</summary>
public enum ImageSubset
{
    /// <summary>A seeded uniform draw without replacement (<see cref="LabeledImages.RandomSubset"/>).</summary>
    Random,

    /// <summary>The first size/10 images of each class in file order (<see cref="LabeledImages.FirstPerClass"/>).</summary>
    FirstPerClass,
}
