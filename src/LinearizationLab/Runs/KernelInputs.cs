using LinearizationLab.Architecture;
using LinearizationLab.Data;
using LinearizationLab.Experiments;

namespace LinearizationLab.Runs;

/// <summary>
/// What a kernel command reads: an architecture and the examples x1 (and x2) as CSV, .npy or an .npz array, one example per
/// row, features flattened in C,H,W order, each row prod(input_shape) wide (<see cref="InputMatrix"/>).
/// </summary>
/// <param name="Arch">The architecture.</param>
/// <param name="X1">The first examples, N1 × prod(input_shape).</param>
/// <param name="X2">The second examples, N2 × prod(input_shape), or null for x2 = x1.</param>
public sealed record KernelInputs(ArchitectureSpec Arch, double[,] X1, double[,]? X2)
{
    /// <summary>Reads <paramref name="archPath"/> (an arch.json) and the matrices <paramref name="x1Path"/> and, unless null, <paramref name="x2Path"/>.</summary>
    /// <exception cref="InvalidInputException">A file is missing or malformed, or a matrix's column count is not
    /// prod(input_shape) (field "columns").</exception>
    public static KernelInputs Read(string archPath, string x1Path, string? x2Path)
    {
        ArgumentNullException.ThrowIfNull(archPath);
        ArgumentNullException.ThrowIfNull(x1Path);
        var arch = ArchitectureReader.Load(archPath);
        if (arch.NoAnalyticKernelsReason is { } reason) throw new InvalidInputException(archPath, "parameterization", reason);
        return new KernelInputs(arch, InputMatrix.Read(x1Path, arch), x2Path is null ? null : InputMatrix.Read(x2Path, arch));
    }
}
