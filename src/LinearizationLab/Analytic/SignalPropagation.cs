using LinearizationLab.Layers;

namespace LinearizationLab.Analytic;

/// <summary>
/// Mean-field signal propagation through a deep fully connected network with weight variance σ_w² and bias variance
/// σ_b² (Poole et al. 2016; Schoenholz et al. 2017), from the same per-layer maps as the analytic kernels: the affine map
/// of <see cref="AffineScaling.Kernel"/> (NTK parameterization, w = σ_w, b = σ_b) and the activation's Gaussian integrals
/// (<see cref="Activation.SelfCovariance"/>, <see cref="Activation.Transform"/>). Pre-activation variances follow the
/// length map q ← σ_w²·E[φ(√q·z)²] + σ_b² to q*, correlations the map c ← (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q* to c*; the
/// order–chaos boundary is χ₁ = σ_w²·E[φ′(√q*·z)²] = 1; perturbations of q and c decay like e^(−l/ξ) with
/// ξ_q = −1/ln χ_q (χ_q = ∂q_(l+1)/∂q_l at q*) and ξ_c = −1/ln χ_c (χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*). The NTK's
/// diagonal grows by Θ ← q + χ·Θ per layer at the fixed point: geometrically when χ₁ &gt; 1, linearly at χ₁ = 1.
/// </summary>
public static class SignalPropagation
{
    /// <summary>Iterations allowed to reach a fixed point.</summary>
    public const int MaxIterations = 10_000;

    /// <summary>Relative change below which an iteration has converged.</summary>
    public const double Tolerance = 1e-13;

    /// <summary>Input correlation of the pair of inputs followed through the layers (and the start of the c iteration).</summary>
    public const double InputCorrelation = 0.5;

    /// <summary>
    /// Every quantity at (<paramref name="weightVariance"/>, <paramref name="biasVariance"/>) for inputs whose first
    /// pre-activation variance is <paramref name="inputVariance"/>; the fits of ξ and the NTK use
    /// <paramref name="depth"/> layers.
    /// </summary>
    public static SignalPropagationPoint At(Activation phi, double weightVariance, double biasVariance, int depth, double inputVariance = 1.0)
    {
        ArgumentNullException.ThrowIfNull(phi);
        if (!(weightVariance > 0)) throw new ArgumentOutOfRangeException(nameof(weightVariance), weightVariance, "σ_w² must be positive");
        if (!(biasVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(biasVariance), biasVariance, "σ_b² must be non-negative");
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "the depth must be at least 1");
        var affine = AffineScaling.For(Parameterization.Ntk, Math.Sqrt(weightVariance), Math.Sqrt(biasVariance), 1);
        double Length(double q) => affine.Kernel(phi.SelfCovariance(q), 0).Nngp;

        double qStar = FixedPoint(Length, inputVariance);
        var (ntkDiagonal, ntkCorrelation, ntkGrowth) = Ntk(phi, affine, inputVariance, depth);
        // Without a finite positive q* (ReLU with σ_b² = 0 for σ_w² ≠ 2: q grows or shrinks geometrically) the maps are taken
        // at the input variance; for ReLU that changes nothing, its correlation map and χ's being scale invariant.
        bool finite = double.IsFinite(qStar) && qStar > 0;
        double q = finite ? qStar : inputVariance;
        double Correlation(double c) => affine.Kernel(phi.Transform(q, q, c * q).Nngp, 0).Nngp / q;
        double chi1 = weightVariance * phi.Transform(q, q, q).Derivative;
        // c = 1 is always a fixed point and is the stable one while χ₁ ≤ 1 (ordered phase); iterating towards it would stop
        // short where the approach is slow (ReLU's correlation map has a square-root cusp at 1).
        double cStar = chi1 <= 1 ? 1 : Math.Clamp(FixedPoint(Correlation, InputCorrelation), -1, 1);
        double chiC = weightVariance * phi.Transform(q, q, cStar * q).Derivative;
        double h = 1e-4 * q;
        double chiQ = (Length(q + h) - Length(q - h)) / (2 * h);
        return new SignalPropagationPoint(weightVariance, biasVariance, qStar, cStar, chi1, chiC, chiQ,
            DepthScale(chiQ), finite ? FittedDepthScale(Length, 2 * qStar, qStar, Horizon(DepthScale(chiQ), depth)) : double.NaN,
            DepthScale(chiC), FittedDepthScale(Correlation, InputCorrelation, cStar, Horizon(DepthScale(chiC), depth)),
            ntkDiagonal, ntkCorrelation, ntkGrowth);
    }

    /// <summary>Layers followed to fit ξ: enough for a geometric decay over 40 depth scales, at least the depth, at most 10⁵.</summary>
    private static int Horizon(double closedForm, int depth) =>
        double.IsFinite(closedForm) ? (int)Math.Clamp(40 * closedForm, depth, 100_000) : depth;

    /// <summary>ξ = −1/ln χ for 0 &lt; χ &lt; 1 (perturbations decay); +∞ at or beyond χ = 1.</summary>
    public static double DepthScale(double chi) => chi > 0 && chi < 1 ? -1 / Math.Log(chi) : double.PositiveInfinity;

    /// <summary>The limit of x ← map(x) from <paramref name="start"/>; ±∞ or NaN when it runs away.</summary>
    private static double FixedPoint(Func<double, double> map, double start)
    {
        double x = start;
        for (int i = 0; i < MaxIterations; i++)
        {
            double next = map(x);
            if (!double.IsFinite(next) || Math.Abs(next) > 1e150) return double.PositiveInfinity;
            if (Math.Abs(next - x) <= Tolerance * Math.Max(Math.Abs(next), 1e-300)) return next;
            x = next;
        }
        return x;
    }

    /// <summary>
    /// ξ from the recursion itself, followed for <paramref name="depth"/> layers: ln|x_l − x*| against l over the layers where
    /// the distance is between 1e−9 and 1e−2 of the starting one (the geometric regime, away from round-off), ξ = −1/slope;
    /// NaN with fewer than 4 such layers.
    /// </summary>
    private static double FittedDepthScale(Func<double, double> map, double start, double fixedPoint, int depth)
    {
        double initial = Math.Abs(start - fixedPoint);
        if (initial == 0) return double.NaN;
        var layers = new List<double>();
        var logs = new List<double>();
        double x = start;
        for (int l = 1; l <= Math.Max(depth, 4); l++)
        {
            x = map(x);
            double distance = Math.Abs(x - fixedPoint) / initial;
            if (distance < 1e-9 || !double.IsFinite(distance)) break;
            if (distance <= 1e-2)
            {
                layers.Add(l);
                logs.Add(Math.Log(distance));
            }
        }
        if (layers.Count < 4) return double.NaN;
        double mx = layers.Average(), my = logs.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            sxx += (layers[i] - mx) * (layers[i] - mx);
            sxy += (layers[i] - mx) * (logs[i] - my);
        }
        double slope = sxy / sxx;
        return slope < 0 ? -1 / slope : double.PositiveInfinity;
    }

    /// <summary>
    /// The infinite-width NNGP and NTK of two inputs with variance <paramref name="inputVariance"/> and correlation
    /// <see cref="InputCorrelation"/> through <paramref name="depth"/> hidden layers: Θ(x, x) at the last, the NTK's
    /// correlation Θ(x, x′)/Θ(x, x), and its growth per layer over the second half, (Θ_L/Θ_(L/2))^(1/(L − L/2)).
    /// </summary>
    private static (double Diagonal, double Correlation, double Growth) Ntk(Activation phi, AffineScaling affine, double inputVariance, int depth)
    {
        // Layer 1 maps the inputs' kernel; each further layer is activation then affine.
        double q = inputVariance, q12 = InputCorrelation * inputVariance;
        double theta = q, theta12 = q12, half = double.NaN;
        for (int l = 2; l <= depth; l++)
        {
            var (k12, derivative12) = phi.Transform(q, q, q12);
            var (k11, derivative11) = phi.Transform(q, q, q);
            (q12, theta12) = affine.Kernel(k12, derivative12 * theta12);
            (q, theta) = affine.Kernel(k11, derivative11 * theta);
            if (l == depth / 2) half = theta;
            if (!double.IsFinite(theta) || theta > 1e300) return (double.PositiveInfinity, double.NaN, double.PositiveInfinity);
        }
        int span = depth - depth / 2;
        double growth = depth >= 4 && half > 0 ? Math.Pow(theta / half, 1.0 / span) : double.NaN;
        return (theta, theta12 / theta, growth);
    }
}
