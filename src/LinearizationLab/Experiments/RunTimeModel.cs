namespace LinearizationLab.Experiments;

/// <summary>
/// The wall time of one sweep run as a function of its hidden width n, fitted to measured runs:
/// t(n) = a + b·n^p with a, b ≥ 0 and p ∈ [0, 2.5] (a: per-run overhead; b·n^p: the width-dependent work,
/// p = 2 when it follows the parameter count; a network's FLOPs grow at most as n², and the bound leaves room for
/// cache effects while keeping noisy sub-second runs at small widths from predicting n³ growth). Each width contributes the median of its runs (robust to a
/// slow first run of a process), and a, b, p minimize the relative squared error Σ_n ((t(n) − t̄_n)/t̄_n)²,
/// so fast and slow widths count alike; for fixed p that is linear least squares in a and b, and p is found
/// by a grid search refined by golden section. With only two widths p is fixed at 2 and a, b fitted; with one,
/// nothing beyond it can be predicted.
/// </summary>
public sealed class RunTimeModel
{
    /// <summary>The range of exponents searched: constant cost up to a little beyond the n² of the FLOPs.</summary>
    public const double MinExponent = 0, MaxExponent = 2.5;

    /// <summary>The exponent assumed when two widths cannot determine it: cost ∝ parameter count ∝ n².</summary>
    public const double DefaultExponent = 2;

    private readonly Dictionary<int, double> _medians;

    private RunTimeModel(Dictionary<int, double> medians, double a, double b, double p)
    {
        _medians = medians;
        (A, B, P) = (a, b, p);
    }

    /// <summary>Seconds per run that do not depend on the width (a in a + b·n^p).</summary>
    public double A { get; }

    /// <summary>The coefficient of the width-dependent part (b in a + b·n^p, seconds per width^p).</summary>
    public double B { get; }

    /// <summary>The exponent p in a + b·n^p.</summary>
    public double P { get; }

    /// <summary>How many distinct widths the fit saw.</summary>
    public int WidthCount => _medians.Count;

    /// <summary>Whether the curve a + b·n^p was fitted (at least two widths), so widths not measured can be predicted.</summary>
    public bool CanExtrapolate => WidthCount >= 2;

    /// <summary>Whether runs at <paramref name="width"/> were measured (their median predicts it).</summary>
    public bool IsMeasured(int width) => _medians.ContainsKey(width);

    /// <summary>The fitted curve a + b·n^p at width <paramref name="width"/>, in seconds.</summary>
    public double Curve(int width) => A + B * Math.Pow(width, P);

    /// <summary>
    /// Predicted seconds for a run at <paramref name="width"/>: the median of the measured runs at that width when
    /// there are any (closer than the curve, which has to fit all widths at once), else the curve a + b·n^p; null
    /// when the width was not measured and the curve is unknown (one width seen).
    /// </summary>
    public double? Predict(int width) =>
        _medians.TryGetValue(width, out double median) ? median : CanExtrapolate ? Curve(width) : null;

    /// <summary>
    /// Fits the model to measured runs (width, seconds); runs with a non-positive or non-finite time are left out.
    /// Null when no run remains.
    /// </summary>
    public static RunTimeModel? Fit(IEnumerable<(int Width, double Seconds)> runs)
    {
        var medians = runs.Where(r => r.Seconds > 0 && double.IsFinite(r.Seconds) && r.Width > 0)
            .GroupBy(r => r.Width)
            .ToDictionary(g => g.Key, g => Median(g.Select(r => r.Seconds)));
        if (medians.Count == 0) return null;
        if (medians.Count == 1)
        {
            double only = medians.Values.Single();
            return new RunTimeModel(medians, only, 0, 0);
        }
        // Widths are scaled by the largest so that n^p stays near 1 for any p (no overflow or ill-conditioning).
        double scale = medians.Keys.Max();
        var x = medians.Keys.Select(w => w / scale).ToArray();
        var t = medians.Values.ToArray();
        double p;
        if (medians.Count == 2)
            p = DefaultExponent;
        else
        {
            p = MinExponent;
            double best = double.PositiveInfinity;
            const int steps = 300;
            for (int i = 0; i <= steps; i++)
            {
                double q = MinExponent + (MaxExponent - MinExponent) * i / steps;
                double error = Solve(x, t, q).Error;
                if (error < best) (best, p) = (error, q);
            }
            double h = (MaxExponent - MinExponent) / steps;
            double refined = GoldenSection(q => Solve(x, t, q).Error, Math.Max(MinExponent, p - h), Math.Min(MaxExponent, p + h));
            if (Solve(x, t, refined).Error <= best) p = refined;
        }
        var (a, bScaled, _) = Solve(x, t, p);
        return new RunTimeModel(medians, a, bScaled / Math.Pow(scale, p), p);
    }

    /// <summary>
    /// For fixed p, the a, b ≥ 0 minimizing Σ((a + b·x^p − t)/t)² (normal equations of the 2×2 weighted problem;
    /// when the unconstrained optimum has a negative coefficient, the better of the two one-coefficient fits).
    /// </summary>
    private static (double A, double B, double Error) Solve(double[] x, double[] t, double p)
    {
        double suu = 0, suv = 0, svv = 0, su = 0, sv = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double u = 1 / t[i], v = Math.Pow(x[i], p) / t[i];   // residual_i = a·u + b·v − 1
            suu += u * u; suv += u * v; svv += v * v; su += u; sv += v;
        }
        double det = suu * svv - suv * suv;
        if (det > 1e-12 * suu * svv)
        {
            double a = (su * svv - sv * suv) / det, b = (sv * suu - su * suv) / det;
            if (a >= 0 && b >= 0) return (a, b, Error(x, t, p, a, b));
        }
        double aOnly = su / suu, bOnly = sv / svv;
        double errorA = Error(x, t, p, aOnly, 0), errorB = Error(x, t, p, 0, bOnly);
        return errorA <= errorB ? (aOnly, 0, errorA) : (0, bOnly, errorB);
    }

    private static double Error(double[] x, double[] t, double p, double a, double b)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = (a + b * Math.Pow(x[i], p) - t[i]) / t[i];
            s += r * r;
        }
        return s;
    }

    /// <summary>The minimizer of <paramref name="f"/> on [lo, hi] by golden-section search (f unimodal there).</summary>
    private static double GoldenSection(Func<double, double> f, double lo, double hi)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double c = hi - ratio * (hi - lo), d = lo + ratio * (hi - lo);
        double fc = f(c), fd = f(d);
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++)
        {
            if (fc <= fd) { hi = d; d = c; fd = fc; c = hi - ratio * (hi - lo); fc = f(c); }
            else { lo = c; c = d; fc = fd; d = lo + ratio * (hi - lo); fd = f(d); }
        }
        return (lo + hi) / 2;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
