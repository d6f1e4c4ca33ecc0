using LinearizationLab.Empirical;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// η_crit = 2N/λ_max(Θ̂0) of a network on its N training inputs (full N·O × N·O kernel; <see cref="GradientDescentMse"/>),
/// the scale on which configs give <c>learning_rate_fraction</c>.
/// </summary>
public static class CriticalLearningRate
{
    /// <summary>Above this many rows (N·O) λ_max comes from power iteration instead of a full eigendecomposition.</summary>
    public const int DirectLimit = 2048;

    /// <summary>
    /// η_crit for inputs <paramref name="x"/>: from the eigenvalues of <paramref name="kernelOnX"/> when the caller has
    /// the full kernel on exactly these inputs, else from a kernel computed here when N·O ≤ <see cref="DirectLimit"/>,
    /// else by power iteration on NTK-vector products Θ̂v, to relative precision 1e-6: by matrix-vector products when the caller
    /// holds Θ̂0(x, x) as a tensor [N·O, N·O] (<paramref name="kernel"/>, e.g. the function-space linearization's), otherwise
    /// by <see cref="EmpiricalNtk.Apply"/> without forming Θ̂ (the same iterates, a reverse and a forward pass each).
    /// </summary>
    public static double Of(EmpiricalNtk ntk, Tensor x, NtkResult? kernelOnX = null, Tensor? kernel = null)
    {
        int n = (int)x.shape[0], o = ntk.OutputCount;
        if (kernelOnX is not null && kernelOnX.Full.GetLength(0) == n * o)
            return new GradientDescentMse(kernelOnX.Full, o).CriticalLearningRate;
        if (n * o <= DirectLimit)
            return new GradientDescentMse(ntk.Compute(x, null, NtkMethod.Structured, perLayer: false).Full, o).CriticalLearningRate;
        Func<Tensor, Tensor> apply = kernel is not null && kernel.shape[0] == (long)n * o
            ? v => kernel.mv(v.to(kernel.dtype).view(-1)).view(v.shape)
            : v => ntk.Apply(x, null, v);
        return GradientDescentMse.CriticalLearningRateFor(PowerIteration(apply, n, o, x.device), n);
    }

    private static double PowerIteration(Func<Tensor, Tensor> apply, int n, int o, Device device)
    {
        using var scope = NewDisposeScope();
        var v = ones(n, o, dtype: ScalarType.Float64, device: device);
        double lambda = 0;
        for (int i = 0; i < 200; i++)
        {
            v = v / v.norm();
            var w = apply(v).to(ScalarType.Float64);
            double next = (w * v).sum().ToDouble();   // Rayleigh quotient vᵀΘ̂v with ‖v‖ = 1
            v = w;
            bool converged = i > 5 && Math.Abs(next - lambda) <= 1e-6 * next;
            lambda = next;
            if (converged) break;
        }
        return lambda;
    }
}
