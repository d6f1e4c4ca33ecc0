namespace LinearizationLab.Data;

/// <summary>
/// Regression on the sphere: inputs uniform on the sphere of radius √d in R^d (so x·x/d = 1), drawn as
/// standard Gaussians scaled to that norm, and targets from a fixed <see cref="TeacherNetwork"/>.
/// </summary>
public static class SphereTeacherSet
{
    /// <summary><paramref name="count"/> points (row-major, count × d) uniform on the sphere of radius √d, from <c>System.Random(seed)</c>.</summary>
    public static double[] Points(int count, int dimension, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        var gaussian = new GaussianSource(seed);
        var x = new double[count * dimension];
        for (int n = 0; n < count; n++)
        {
            var row = x.AsSpan(n * dimension, dimension);
            double sq;
            do
            {
                gaussian.Fill(row);
                sq = 0;
                foreach (double v in row) sq += v * v;
            } while (sq == 0);
            double scale = Math.Sqrt(dimension / sq);
            for (int j = 0; j < dimension; j++) row[j] *= scale;
        }
        return x;
    }

    /// <summary>
    /// A train and a test set of feature shape [d] labelled by <paramref name="teacher"/>; the two sets come
    /// from separate random streams derived from <paramref name="seed"/>, so they share no points.
    /// </summary>
    public static (Dataset Train, Dataset Test) Create(int trainSize, int testSize, TeacherNetwork teacher, long seed)
    {
        int d = teacher.InputDimension;
        var train = Points(trainSize, d, SeedStream.Derive(seed, SeedStream.Train));
        var test = Points(testSize, d, SeedStream.Derive(seed, SeedStream.Test));
        return (Labelled(train, trainSize, teacher), Labelled(test, testSize, teacher));
    }

    private static Dataset Labelled(double[] x, int count, TeacherNetwork teacher) =>
        new(x, [teacher.InputDimension], teacher.Evaluate(x, count), teacher.OutputCount, null);
}
