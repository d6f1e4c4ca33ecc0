using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab;

/// <summary>
/// ‖θ‖ and ‖θ − θ0‖ over a list of parameter tensors (a network's θ, a displacement Δθ), summed in float64 on the tensors'
/// device without a host copy. The entries go through one float64 buffer in slices of 2^20, so a wide layer is never copied
/// or differenced whole and nothing parameter-sized is allocated (a fresh temporary of that size costs more in page faults
/// than the arithmetic: 146 against 21 ms for 16.8M parameters).
/// </summary>
public static class ParameterNorms
{
    private const long Slice = 1 << 20;

    /// <summary>‖θ − θ0‖ over all tensors.</summary>
    public static double Distance(IReadOnlyList<Tensor> theta, IReadOnlyList<Tensor> theta0)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(theta0);
        if (theta.Count != theta0.Count) throw new ArgumentException($"{theta.Count} tensors against {theta0.Count}");
        return Math.Sqrt(SumOfSquaresBySlices(theta0, (slice, t, start) => slice.copy_(Flat(theta[t]).narrow(0, start, slice.shape[0]))
            .sub_(Flat(theta0[t]).narrow(0, start, slice.shape[0]))));
    }

    /// <summary>‖θ‖ over all tensors.</summary>
    public static double Norm(IReadOnlyList<Tensor> theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        return Math.Sqrt(SumOfSquaresBySlices(theta, (slice, t, start) => slice.copy_(Flat(theta[t]).narrow(0, start, slice.shape[0]))));
    }

    /// <summary>Σ‖s‖² over the float64 slices s that <paramref name="fill"/> writes for each tensor's entries [start, start + length).</summary>
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
