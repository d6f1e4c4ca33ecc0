using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>
/// An empirical NTK Θ̂(x1, x2) in float64. Rows and columns of the full kernel are indexed (i, k) ↦ i·O + k
/// (example-major, as f [N, O] flattens). Θ̂ = Σ_l Θ̂_l over the affine layers l, where Θ̂_l = J_l J_lᵀ
/// restricted to layer l's weight and bias.
/// </summary>
public sealed class NtkResult
{
    /// <summary>Wraps computed kernels (no copies are made).</summary>
    public NtkResult(NtkMethod method, int outputCount, double[,] full, double[,] averaged, IReadOnlyList<double[,]> perLayer)
    {
        Method = method;
        OutputCount = outputCount;
        Full = full;
        Averaged = averaged;
        PerLayer = perLayer;
    }

    /// <summary>The method that computed the kernel.</summary>
    public NtkMethod Method { get; }

    /// <summary>Number of network outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>Θ̂[(i,k),(j,k')], shape [N1·O, N2·O].</summary>
    public double[,] Full { get; }

    /// <summary>The output-averaged kernel (1/O)·Σ_k Θ̂[(i,k),(j,k)], shape [N1, N2] (docs/KERNEL-CONVENTIONS.md).</summary>
    public double[,] Averaged { get; }

    /// <summary>Full per-unit contributions Θ̂_l [N1·O, N2·O] with Σ_l Θ̂_l = Θ̂, one per parameter unit; empty when not requested.</summary>
    public IReadOnlyList<double[,]> PerLayer { get; }

    /// <summary>Number of rows N1 of the averaged kernel.</summary>
    public int RowCount => Averaged.GetLength(0);

    /// <summary>Number of columns N2 of the averaged kernel.</summary>
    public int ColumnCount => Averaged.GetLength(1);

    /// <summary>The output average (1/O)·Σ_k K[(i,k),(j,k)] of any full kernel with <paramref name="outputs"/> outputs.</summary>
    public static double[,] OutputAverage(double[,] full, int outputs)
    {
        ArgumentNullException.ThrowIfNull(full);
        using var scope = NewDisposeScope();
        var t = KernelTensors.FromMatrix(full, [full.GetLength(0), full.GetLength(1)], TensorSettings.CpuFloat64);
        return KernelTensors.ToMatrix(KernelTensors.OutputAverage(t, outputs));
    }
}
