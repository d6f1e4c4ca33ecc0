namespace LinearizationLab.Data;

/// <summary>
/// Rescalings of input features. Unit norm puts every example on the sphere of radius √d
/// (x·x/d = 1), the scale at which the infinite-width kernels of a network with unit-variance
/// first-layer weights see inputs of unit second moment. Standardization uses statistics of the
/// train set only, so the test set carries no information into the model.
/// </summary>
public static class FeatureNormalization
{
    /// <summary>
    /// Applies <paramref name="kind"/> to a train and test set (standardization and whitening statistics from
    /// <paramref name="train"/>); <paramref name="zcaRegularization"/> is ZCA's ε.
    /// </summary>
    public static (Dataset Train, Dataset Test) Apply(NormalizationKind kind, Dataset train, Dataset test, double zcaRegularization = 0) => kind switch
    {
        NormalizationKind.None => (train, test),
        NormalizationKind.UnitNorm => (UnitNorm(train), UnitNorm(test)),
        NormalizationKind.Standardize => Standardize(train, test),
        NormalizationKind.Zca => Zca(train, test, zcaRegularization),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Regularized ZCA whitening (Lee et al. 2020, "Finite versus infinite neural networks", §3.9): with μ the train set's
    /// per-feature mean and Σ = (1/N)·Σ_i (x_i − μ)(x_i − μ)ᵀ = U·diag(λ)·Uᵀ its covariance over all d features (every pixel of
    /// every channel), each example becomes (x − μ)·W with W = U·diag((λ + ε·tr Σ/d)^{−1/2})·Uᵀ. ε is relative to the mean
    /// eigenvalue: ε → 0 whitens fully (covariance I), large ε is a rescaled centering. Both sets use the train set's μ and W.
    /// </summary>
    public static (Dataset Train, Dataset Test) Zca(Dataset train, Dataset test, double epsilon)
    {
        var mean = TrainMeans(train, test, "whiten");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ZCA needs a regularization ε > 0");
        int d = train.FeatureSize, n = train.Count;
        var centered = Centered(train, mean);
        var covariance = new double[d, d];
        var flat = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref covariance[0, 0], d * d);
        Lapack.Gemm(true, false, d, d, n, 1.0 / n, centered, d, centered, d, 0, flat, d);
        double trace = 0;
        for (int j = 0; j < d; j++) trace += covariance[j, j];
        double shift = epsilon * trace / d;
        var values = new double[d];
        Lapack.SymmetricEigen(covariance, values);   // row k of covariance is now the eigenvector u_k
        // W = Σ_k s_k·u_k·u_kᵀ with s_k = (λ_k + shift)^{−1/2}: scale the rows, then W = Uᵀ·(S·Uᵀ)ᵀ as one GEMM.
        var scaled = new double[d * d];
        for (int k = 0; k < d; k++)
        {
            double s = 1 / Math.Sqrt(Math.Max(values[k], 0) + shift);
            for (int j = 0; j < d; j++) scaled[k * d + j] = s * covariance[k, j];
        }
        var whitening = new double[d * d];
        Lapack.Gemm(true, false, d, d, d, 1, flat, d, scaled, d, 0, whitening, d);
        return (Whiten(train, centered, whitening), Whiten(test, Centered(test, mean), whitening));
    }

    /// <summary>
    /// The train set's per-feature means μ_j = (1/N)·Σ_i x_ij, after checking that the test set has the same features and the
    /// train set is not empty (<paramref name="verb"/> names the normalization in the error).
    /// </summary>
    private static double[] TrainMeans(Dataset train, Dataset test, string verb)
    {
        if (test.FeatureSize != train.FeatureSize)
            throw new ArgumentException($"train has {train.FeatureSize} features but test has {test.FeatureSize}");
        if (train.Count == 0) throw new ArgumentException($"cannot {verb} with an empty train set");
        int d = train.FeatureSize, n = train.Count;
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += train.Inputs[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        return mean;
    }

    private static double[] Centered(Dataset data, double[] mean)
    {
        int d = mean.Length;
        var x = (double[])data.Inputs.Clone();
        for (int i = 0; i < data.Count; i++)
            for (int j = 0; j < d; j++) x[i * d + j] -= mean[j];
        return x;
    }

    private static Dataset Whiten(Dataset data, double[] centered, double[] whitening)
    {
        int d = data.FeatureSize;
        var x = new double[centered.Length];
        Lapack.Gemm(false, false, data.Count, d, d, 1, centered, d, whitening, d, 0, x, d);
        return data with { Inputs = x };
    }

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
        var mean = TrainMeans(train, test, "standardize");
        int d = train.FeatureSize, n = train.Count;
        var std = new double[d];
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
