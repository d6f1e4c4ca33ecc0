using LinearizationLab.Architecture;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>
/// The empirical NTK (full, output-averaged, per layer) and NNGP of one network at initialization: the library
/// entry point behind <c>lab ntk</c>. All matrices are float64.
/// </summary>
/// <param name="Ntk">Θ̂0(x1, x2) with its output average and per-layer terms.</param>
/// <param name="Nngp">The readout NNGP K(x1, x2) [N1, N2] (see <see cref="EmpiricalNngp"/>).</param>
public sealed record EmpiricalKernels(NtkResult Ntk, double[,] Nngp)
{
    /// <summary>
    /// Builds the network of <paramref name="spec"/> with θ0 drawn from <paramref name="seed"/> and computes its kernels on
    /// inputs given one example per row (features flattened in C,H,W order); <paramref name="x2"/> null means x1.
    /// </summary>
    public static EmpiricalKernels Compute(ArchitectureSpec spec, long seed, TensorSettings settings,
        double[,] x1, double[,]? x2, NtkMethod method, bool perLayer = true)
    {
        CheckWidth(spec, x1, nameof(x1));
        if (x2 is not null) CheckWidth(spec, x2, nameof(x2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, seed, settings);
        var t1 = KernelTensors.FromMatrix(x1, [x1.GetLength(0), .. spec.InputShape.Select(n => (long)n)], settings);
        var t2 = x2 is null ? null : KernelTensors.FromMatrix(x2, [x2.GetLength(0), .. spec.InputShape.Select(n => (long)n)], settings);
        var ntk = new EmpiricalNtk(network).Compute(t1, t2, method, perLayer);
        return new EmpiricalKernels(ntk, EmpiricalNngp.Compute(network, t1, t2));
    }

    /// <summary>The same with the method given by name: "structured" | "jacobian" | "ntvp".</summary>
    public static EmpiricalKernels Compute(ArchitectureSpec spec, long seed, TensorSettings settings,
        double[,] x1, double[,]? x2, string method, bool perLayer = true) =>
        Compute(spec, seed, settings, x1, x2, EmpiricalNtk.ParseMethod(method), perLayer);

    private static void CheckWidth(ArchitectureSpec spec, double[,] x, string name)
    {
        if (x.GetLength(1) != spec.InputSize)
            throw new ArgumentException($"{name} has {x.GetLength(1)} columns but the architecture's input has {spec.InputSize} features");
    }
}
