namespace LinearizationLab.Experiments;

/// <summary>The distances the harness reports between kernels and between output matrices.</summary>
public static class MatrixDistance
{
    /// <summary>‖A − B‖_F / ‖B‖_F: e.g. kernel drift ‖Θ̂_t − Θ̂_0‖/‖Θ̂_0‖ or distance to the analytic kernel ‖Θ̂_0 − Θ‖/‖Θ‖.</summary>
    public static double RelativeFrobenius(double[,] a, double[,] b)
    {
        if (a.GetLength(0) != b.GetLength(0) || a.GetLength(1) != b.GetLength(1))
            throw new ArgumentException($"shapes differ: {a.GetLength(0)}×{a.GetLength(1)} vs {b.GetLength(0)}×{b.GetLength(1)}");
        double diff = 0, norm = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
        {
            double d = a[i, j] - b[i, j];
            diff += d * d;
            norm += b[i, j] * b[i, j];
        }
        return Math.Sqrt(diff / norm);
    }

    /// <summary>‖A‖_F / ‖B‖_F: e.g. the kernel's relative velocity ‖dΘ̂/dτ‖/‖Θ̂_0‖.</summary>
    public static double RelativeNorm(double[,] a, double[,] b)
    {
        double na = 0, nb = 0;
        foreach (double v in a) na += v * v;
        foreach (double v in b) nb += v * v;
        return Math.Sqrt(na / nb);
    }

    /// <summary>RMSE(f, g) = √(mean over all entries of (f − g)²).</summary>
    public static double Rmse(double[] f, double[] g)
    {
        if (f.Length != g.Length) throw new ArgumentException($"lengths differ: {f.Length} vs {g.Length}");
        double s = 0;
        for (int i = 0; i < f.Length; i++) s += (f[i] - g[i]) * (f[i] - g[i]);
        return Math.Sqrt(s / f.Length);
    }

    /// <summary>RMS(f) = √(mean of f²).</summary>
    public static double Rms(double[] f) => Math.Sqrt(f.Sum(v => v * v) / f.Length);
}
