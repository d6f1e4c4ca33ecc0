using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// <c>"source": "sphere"</c>: points on the sphere of radius √d labelled by a random ReLU teacher
/// (<see cref="SphereTeacherSet"/>, <see cref="TeacherNetwork"/>).
/// </summary>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section.</param>
/// <param name="TrainSize">Number of train examples.</param>
/// <param name="TestSize">Number of test examples; 0 means an empty test set.</param>
/// <param name="Seed">Seed of the sampled points.</param>
/// <param name="Dimension">Input dimension d.</param>
/// <param name="Outputs">Outputs of the teacher.</param>
/// <param name="TeacherWidth">Hidden width of the teacher.</param>
/// <param name="TeacherDepth">Hidden layers of the teacher.</param>
/// <param name="TeacherSeed">Seed of the teacher's weights (defaults to <paramref name="Seed"/>; the streams are kept apart).</param>
public sealed record SphereDataSpec(string File, string Path, int TrainSize, int TestSize, long Seed, int Dimension,
    int Outputs, int TeacherWidth, int TeacherDepth, long TeacherSeed) : DataSpec(File, Path)
{
    /// <summary>The fields only the sphere reads (besides train_size, test_size and seed).</summary>
    internal static string[] Fields => ["dim", "outputs", "teacher"];

    /// <inheritdoc/>
    public override DataSource Source => DataSource.Sphere;

    /// <summary>Reads the sphere fields of a <c>data</c> section.</summary>
    internal static SphereDataSpec ReadFields(JsonSection s)
    {
        long seed = s.Long("seed", 0);
        int train = s.Int("train_size", min: 1);
        int test = s.Int("test_size", 0, min: 0);
        int dim = s.Int("dim", 16, min: 1);
        int outputs = s.Int("outputs", 1, min: 1);
        int width = 512, depth = 1;
        long teacherSeed = seed;
        if (s.Section("teacher") is JsonSection t)
        {
            width = t.Int("width", 512, min: 1);
            depth = t.Int("depth", 1, min: 0);
            teacherSeed = t.Long("seed", seed);
            t.RejectUnknownFields();
        }
        return new SphereDataSpec(s.File, s.Path, train, test, seed, dim, outputs, width, depth, teacherSeed);
    }

    private protected override (Dataset Train, Dataset Test) LoadUnnormalized(string? repositoryRoot) =>
        SphereTeacherSet.Create(TrainSize, TestSize,
            new TeacherNetwork(Dimension, TeacherWidth, TeacherDepth, Outputs, TeacherSeed), Seed);
}
