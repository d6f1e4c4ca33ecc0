namespace LinearizationLab.Experiments;

/// <summary>
/// A power law m(n) ≈ A·n^α in the width n: α and A by least squares of log m̄(n) on log n, where m̄ is
/// the mean over seeds at each width, with a 95% percentile bootstrap interval for α from resampling
/// the seeds within each width. Lee et al. 2019 bound the linearization gaps by O(n^−1/2); Dyer &amp;
/// Gur-Ari 2019 predict O(1/n) for the NTK's change during training.
/// </summary>
public sealed record ScalingFit(string Metric, double Slope, double SlopeLow, double SlopeHigh, double Prefactor, int WidthCount, int SampleCount)
{
    /// <summary>Bootstrap resamples used for the interval.</summary>
    public const int Resamples = 2000;

    /// <summary>The grid point the fit is within (<see cref="GridPoint.Label"/>); null for a plain width sweep.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Slice { get; init; }

    /// <summary>Whether the 95% interval excludes 0.</summary>
    public bool IsSignificant => SlopeHigh < 0 || SlopeLow > 0;

    /// <summary>
    /// Fits <paramref name="samples"/> (width, value). Non-positive or non-finite values cannot be on a
    /// log scale and are left out; null when fewer than two widths remain.
    /// </summary>
    public static ScalingFit? Fit(string metric, IEnumerable<(int Width, double Value)> samples, int seed = 0)
    {
        var byWidth = samples.Where(s => s.Value > 0 && double.IsFinite(s.Value))
            .GroupBy(s => s.Width).OrderBy(g => g.Key)
            .Select(g => (LogWidth: Math.Log(g.Key), Values: g.Select(s => s.Value).ToArray()))
            .ToArray();
        if (byWidth.Length < 2) return null;
        var x = byWidth.Select(w => w.LogWidth).ToArray();
        var (slope, intercept) = LeastSquares(x, byWidth.Select(w => Math.Log(w.Values.Average())).ToArray());

        var random = new Random(seed);
        var slopes = new double[Resamples];
        var y = new double[byWidth.Length];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < byWidth.Length; i++)
            {
                var v = byWidth[i].Values;
                double sum = 0;
                for (int k = 0; k < v.Length; k++) sum += v[random.Next(v.Length)];
                y[i] = Math.Log(sum / v.Length);
            }
            slopes[r] = LeastSquares(x, y).Slope;
        }
        Array.Sort(slopes);
        return new ScalingFit(metric, slope, Percentile(slopes, 0.025), Percentile(slopes, 0.975), Math.Exp(intercept),
            byWidth.Length, byWidth.Sum(w => w.Values.Length));
    }

    /// <summary>Ordinary least squares y ≈ intercept + slope·x.</summary>
    public static (double Slope, double Intercept) LeastSquares(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxy / sxx;
        return (slope, my - slope * mx);
    }

    private static double Percentile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
