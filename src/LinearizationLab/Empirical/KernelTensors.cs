using System.Runtime.InteropServices;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>Conversions between kernel tensors and float64 arrays, and the output average.</summary>
internal static class KernelTensors
{
    /// <summary>
    /// A 2-D tensor as a float64 array (copied to the CPU), converted in blocks of rows so that the only full-size
    /// copy is the array itself.
    /// </summary>
    public static double[,] ToMatrix(Tensor t)
    {
        long rows = t.shape[0], cols = t.shape[1];
        var m = new double[rows, cols];
        if (m.Length == 0) return m;
        var span = MemoryMarshal.CreateSpan(ref m[0, 0], m.Length);   // row-major, like the tensor
        long block = Math.Max(1, (1L << 22) / Math.Max(cols, 1));     // about 32 MiB of float64 at a time
        for (long r = 0; r < rows; r += block)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(block, rows - r);
            var part = t.detach().narrow(0, r, count).to(ScalarType.Float64, CPU).contiguous();
            part.data<double>().CopyTo(span.Slice((int)(r * cols), (int)(count * cols)));
        }
        return m;
    }

    /// <summary>A float64 array as a tensor of the given shape, dtype and device.</summary>
    public static Tensor FromMatrix(double[,] m, long[] shape, TensorSettings settings)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        using var scope = NewDisposeScope();
        var t = tensor(flat, shape, ScalarType.Float64, CPU).to(settings.DType, settings.Device);
        return t.MoveToOuterDisposeScope();
    }

    /// <summary>(1/O)·Σ_k Θ̂[(i,k),(j,k)] of a full kernel [N1·O, N2·O] → [N1, N2].</summary>
    public static Tensor OutputAverage(Tensor full, int outputs)
    {
        long n1 = full.shape[0] / outputs, n2 = full.shape[1] / outputs;
        return full.reshape(n1, outputs, n2, outputs).diagonal(0, 1, 3).mean([2]);
    }
}
