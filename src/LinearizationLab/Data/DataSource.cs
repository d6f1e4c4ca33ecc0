namespace LinearizationLab.Data;

/// <summary>Where the examples of a run come from (the <c>source</c> field of a config's <c>data</c> section).</summary>
public enum DataSource
{
    /// <summary>MNIST digits from IDX files (<see cref="LabeledImages"/>).</summary>
    Mnist,

    /// <summary>Fashion-MNIST from IDX files (<see cref="LabeledImages"/>).</summary>
    FashionMnist,

    /// <summary>Points on the sphere of radius √d labelled by a random ReLU teacher (<see cref="SphereTeacherSet"/>).</summary>
    Sphere,

    /// <summary>The 1-D sine regression toy (<see cref="SineToySet"/>).</summary>
    Toy1d,

    /// <summary>Input and target matrices from CSV, .npy or .npz files (<see cref="MatrixFile"/>).</summary>
    Csv,
}
