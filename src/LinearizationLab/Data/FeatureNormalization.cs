namespace LinearizationLab.Data;

/// <summary>
/// Rescalings of input features. Unit norm puts every example on the sphere of radius √d
/// (x·x/d = 1), the scale at which the infinite-width kernels of a network with unit-variance
/// first-layer weights see inputs of unit second moment. Standardization uses statistics of the
/// train set only, so the test set carries no information into the model.
/// </summary>
public static class FeatureNormalization
{
    /// <summary>Applies <paramref name="kind"/> to a train and test set (standardization statistics from <paramref name="train"/>).</summary>
    public static (Dataset Train, Dataset Test) Apply(NormalizationKind kind, Dataset train, Dataset test) => kind switch
    {
        NormalizationKind.None => (train, test),
        NormalizationKind.UnitNorm => (UnitNorm(train), UnitNorm(test)),
        NormalizationKind.Standardize => Standardize(train, test),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Each example x scaled to x·√d/‖x‖, so that x·x/d = 1; an all-zero example stays zero.</summary>
    public static Dataset UnitNorm(Dataset data)
    {
        int d = data.FeatureSize;
        var x = (double[])data.Inputs.Clone();
        for (int i = 0; i < data.Count; i++)
        {
            var row = x.AsSpan(i * d, d);
            double sq = 0;
            foreach (double v in row) sq += v * v;
            if (sq == 0) continue;
            double scale = Math.Sqrt(d / sq);
            for (int j = 0; j < d; j++) row[j] *= scale;
        }
        return data with { Inputs = x };
    }

    /// <summary>
    /// Per-feature (x − μ)/σ with μ and the population standard deviation σ (divisor N) of
    /// <paramref name="train"/>, applied to both sets; features constant on the train set (σ = 0) are set to 0.
    /// </summary>
    public static (Dataset Train, Dataset Test) Standardize(Dataset train, Dataset test)
    {
        if (test.FeatureSize != train.FeatureSize)
            throw new ArgumentException($"train has {train.FeatureSize} features but test has {test.FeatureSize}");
        if (train.Count == 0) throw new ArgumentException("cannot standardize with an empty train set");
        int d = train.FeatureSize, n = train.Count;
        var mean = new double[d];
        var std = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += train.Inputs[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double c = train.Inputs[i * d + j] - mean[j];
                std[j] += c * c;
            }
        for (int j = 0; j < d; j++) std[j] = Math.Sqrt(std[j] / n);
        // A feature constant on the train set has σ = 0 exactly, though round-off in μ may leave a tiny σ.
        for (int j = 0; j < d; j++)
        {
            double first = train.Inputs[j];
            bool constant = true;
            for (int i = 1; i < n && constant; i++) constant = train.Inputs[i * d + j] == first;
            if (constant) std[j] = 0;
        }
        return (Transform(train, mean, std), Transform(test, mean, std));
    }

    private static Dataset Transform(Dataset data, double[] mean, double[] std)
    {
        int d = mean.Length;
        var x = new double[data.Inputs.Length];
        for (int i = 0; i < data.Count; i++)
            for (int j = 0; j < d; j++)
                x[i * d + j] = std[j] > 0 ? (data.Inputs[i * d + j] - mean[j]) / std[j] : 0.0;
        return data with { Inputs = x };
    }
}
