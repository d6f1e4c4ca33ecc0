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
    /// <summary>Above this many rows (N·O) λ_max comes from the Lanczos iteration instead of a full eigendecomposition.</summary>
    public const int DirectLimit = 2048;

    /// <summary>
    /// η_crit for inputs <paramref name="x"/>: from the eigenvalues of <paramref name="kernelOnX"/> when the caller has
    /// the full kernel on exactly these inputs, else from a kernel computed here when N·O ≤ <see cref="DirectLimit"/>,
    /// else by the Lanczos iteration on NTK-vector products Θ̂v (<see cref="TopEigenvalue"/>): by matrix-vector products when the caller
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
        return GradientDescentMse.CriticalLearningRateFor(TopEigenvalue(apply, n, o, x.device), n);
    }

    /// <summary>
    /// λ_max by <see cref="Lanczos"/> from the all-ones start [N, O], to a residual bound of 10⁻⁶·θ (the Ritz value's own error
    /// is then of order (10⁻⁶·θ)²/gap), at most 200 products. Float32 products carry round-off near 10⁻⁷, so a tighter bound
    /// would not be reached.
    /// </summary>
    private static double TopEigenvalue(Func<Tensor, Tensor> apply, int n, int o, Device device)
    {
        var start = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(n * o, 1.0);
        return Lanczos.TopEigenvalue((q, w) =>
        {
            using var scope = NewDisposeScope();
            var product = apply(tensor(q, [n, o], ScalarType.Float64, device)).to(ScalarType.Float64).cpu().contiguous();
            product.data<double>().CopyTo(w, 0);
        }, start, maxSteps: 200, breakdown: 0, relativeResidual: 1e-6).Value;
    }
}
