namespace LinearizationLab.Data;

/// <summary>
/// The 1-D regression toy of the neural-tangents cookbook: train x uniform on [−π, π] with targets
/// sin(x) + σ·ε (ε ~ N(0,1)); test x = linspace(−π, π, test size) with noiseless targets sin(x).
/// Feature shape [1], one output, no labels.
/// </summary>
public static class SineToySet
{
    /// <summary>The train and test sets; train draws come from a stream derived from <paramref name="seed"/>.</summary>
    public static (Dataset Train, Dataset Test) Create(int trainSize, int testSize, double noiseStd, long seed)
    {
        if (trainSize < 0) throw new ArgumentOutOfRangeException(nameof(trainSize));
        if (testSize < 0) throw new ArgumentOutOfRangeException(nameof(testSize));
        if (!(noiseStd >= 0) || double.IsInfinity(noiseStd))
            throw new ArgumentOutOfRangeException(nameof(noiseStd), "must be finite and non-negative");
        var gaussian = new GaussianSource(SeedStream.Derive(seed, SeedStream.Train));
        var xTrain = new double[trainSize];
        var yTrain = new double[trainSize];
        for (int i = 0; i < trainSize; i++) xTrain[i] = -Math.PI + 2 * Math.PI * gaussian.NextUniform();
        for (int i = 0; i < trainSize; i++) yTrain[i] = Math.Sin(xTrain[i]) + noiseStd * gaussian.Next();
        var xTest = new double[testSize];
        for (int i = 0; i < testSize; i++)
            xTest[i] = testSize == 1 ? -Math.PI : -Math.PI + 2 * Math.PI * i / (testSize - 1);
        var yTest = xTest.Select(Math.Sin).ToArray();
        return (new Dataset(xTrain, [1], yTrain, 1, null), new Dataset(xTest, [1], yTest, 1, null));
    }
}
