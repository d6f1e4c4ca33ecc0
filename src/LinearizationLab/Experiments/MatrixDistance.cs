using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

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

    private const long Slice = 1 << 20;

    /// <summary>‖θ − θ0‖ over all parameters, in float64 on the tensors' device (no host copy of the parameters).</summary>
    public static double Distance(IReadOnlyList<Tensor> theta, IReadOnlyList<Tensor> theta0)
    {
        if (theta.Count != theta0.Count) throw new ArgumentException($"{theta.Count} tensors against {theta0.Count}");
        return Math.Sqrt(SumOfSquaresBySlices(theta0, (slice, t, start) => slice.copy_(Flat(theta[t]).narrow(0, start, slice.shape[0]))
            .sub_(Flat(theta0[t]).narrow(0, start, slice.shape[0]))));
    }

    /// <summary>‖θ‖ over all parameters, in float64 on the tensors' device.</summary>
    public static double Norm(IReadOnlyList<Tensor> theta) =>
        Math.Sqrt(SumOfSquaresBySlices(theta, (slice, t, start) => slice.copy_(Flat(theta[t]).narrow(0, start, slice.shape[0]))));

    /// <summary>
    /// Σ‖s‖² over the float64 slices s that <paramref name="fill"/> writes for each tensor's entries [start, start + length):
    /// slices of 2^20 entries through one buffer, so a wide layer is never copied or differenced whole, and nothing
    /// parameter-sized is allocated (a fresh temporary of that size costs more in page faults than the arithmetic).
    /// </summary>
    private static double SumOfSquaresBySlices(IReadOnlyList<Tensor> shapes, Action<Tensor, int, long> fill)
    {
        using var noGrad = no_grad();
        if (shapes.Count == 0) return 0;
        long largest = shapes.Max(t => t.numel());
        using var buffer = empty(Math.Min(Slice, Math.Max(largest, 1)), ScalarType.Float64, shapes[0].device);
        double sum = 0;
        for (int t = 0; t < shapes.Count; t++)
        {
            long count = shapes[t].numel();
            for (long start = 0; start < count; start += Slice)
            {
                using var scope = NewDisposeScope();
                var slice = buffer.narrow(0, 0, Math.Min(Slice, count - start));
                fill(slice, t, start);
                sum += slice.dot(slice).ToNumber();
            }
        }
        return sum;
    }

    /// <summary>The tensor's entries as one dimension (a view when it is contiguous).</summary>
    private static Tensor Flat(Tensor t) => t.reshape(-1);
}
