using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>Conversions between kernel tensors and float64 arrays, and the output average.</summary>
internal static class KernelTensors
{
    /// <summary>A 2-D tensor as a float64 array (copied to the CPU).</summary>
    public static double[,] ToMatrix(Tensor t)
    {
        using var scope = NewDisposeScope();
        var c = t.detach().to(ScalarType.Float64, CPU).contiguous();
        long rows = c.shape[0], cols = c.shape[1];
        var flat = c.data<double>().ToArray();
        var m = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
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
