using LinearizationLab.Architecture;
using LinearizationLab.Analytic;
using LinearizationLab.Networks;

namespace LinearizationLab.Empirical;

/// <summary>
/// Monte Carlo estimate of the kernels a finite-width architecture converges to: the mean and standard error,
/// entry by entry, of the empirical NNGP and output-averaged NTK over networks drawn from <c>seeds</c>
/// seeds, to hold the analytic kernels against. The analytic kernels (<see cref="AnalyticKernels"/>) are the limit of the mean as the width grows.
/// </summary>
public sealed record MonteCarloKernels(double[,] NngpMean, double[,] NngpStandardError, double[,] NtkMean, double[,] NtkStandardError, int Samples)
{
    /// <summary>Draws networks for seeds <paramref name="firstSeed"/>, …, <paramref name="firstSeed"/> + <paramref name="samples"/> − 1 and averages their kernels on x1 × x2.</summary>
    public static MonteCarloKernels Estimate(ArchitectureSpec arch, double[,] x1, double[,]? x2, int samples,
        long firstSeed = 0, NtkMethod method = NtkMethod.Structured, TensorSettings? settings = null)
    {
        if (samples < 2) throw new ArgumentException("a standard error needs at least 2 samples", nameof(samples));
        int n1 = x1.GetLength(0), n2 = (x2 ?? x1).GetLength(0);
        var (nngp, ntk) = (new Moments(n1, n2), new Moments(n1, n2));
        for (int s = 0; s < samples; s++)
        {
            var k = EmpiricalKernels.Compute(arch, firstSeed + s, settings ?? TensorSettings.CpuFloat64, x1, x2, method, perLayer: false);
            nngp.Add(k.Nngp);
            ntk.Add(k.Ntk.Averaged);
        }
        return new MonteCarloKernels(nngp.Mean(), nngp.StandardError(), ntk.Mean(), ntk.StandardError(), samples);
    }

    /// <summary>Running sums of x and x² per entry (Welford would be steadier; the kernels are O(1), so plain sums suffice in float64).</summary>
    private sealed class Moments(int rows, int cols)
    {
        private readonly double[,] _sum = new double[rows, cols], _squares = new double[rows, cols];
        private int _count;

        public void Add(double[,] x)
        {
            _count++;
            for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                _sum[i, j] += x[i, j];
                _squares[i, j] += x[i, j] * x[i, j];
            }
        }

        public double[,] Mean() => Map((s, _) => s / _count);

        /// <summary>√(sample variance / count).</summary>
        public double[,] StandardError() =>
            Map((s, q) => Math.Sqrt(Math.Max(q - s * s / _count, 0) / (_count - 1) / _count));

        private double[,] Map(Func<double, double, double> f)
        {
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = f(_sum[i, j], _squares[i, j]);
            return m;
        }
    }
}
