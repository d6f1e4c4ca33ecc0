using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Data;

namespace LinearizationLab.Experiments;

/// <summary>
/// <c>lab kernel</c> as a library call: reads an arch.json and CSV inputs, computes the analytic infinite-width
/// NNGP and NTK with <see cref="AnalyticKernels.Compute"/>, and writes DIR/nngp.csv and DIR/ntk.csv in the
/// round-trip format of <see cref="CsvMatrix"/>. Both files are written only after both kernels are computed
/// and checked finite, so bad input leaves nothing behind.
/// </summary>
public static class AnalyticKernelRun
{
    /// <summary>File name of the NNGP kernel inside the output directory.</summary>
    public const string NngpFileName = "nngp.csv";

    /// <summary>File name of the NTK inside the output directory.</summary>
    public const string NtkFileName = "ntk.csv";

    /// <summary>
    /// Reads the inputs, computes K(x1, x2) and Θ(x1, x2) (x2 = x1 when <paramref name="x2Path"/> is null) and
    /// writes them to <paramref name="outputDirectory"/>; returns the kernels.
    /// </summary>
    /// <param name="archPath">The arch.json.</param>
    /// <param name="x1Path">CSV of the first examples, N1 × prod(input_shape), CNN inputs in C,H,W order.</param>
    /// <param name="x2Path">CSV of the second examples, N2 × prod(input_shape), or null.</param>
    /// <param name="outputDirectory">Where nngp.csv and ntk.csv go (created if needed).</param>
    /// <param name="progress">Fraction of kernel entries done, 0 to 1.</param>
    /// <exception cref="InvalidInputException">A file is missing or malformed, or a CSV's column count is not
    /// prod(input_shape) (field "columns").</exception>
    public static KernelPair Execute(string archPath, string x1Path, string? x2Path, string outputDirectory,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(archPath);
        ArgumentNullException.ThrowIfNull(x1Path);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var arch = ArchitectureReader.Load(archPath);
        var x1 = InputMatrix.Read(x1Path, arch);
        var x2 = x2Path is null ? null : InputMatrix.Read(x2Path, arch);
        var kernels = AnalyticKernels.Compute(arch, x1, x2, progress);
        CheckFinite(kernels.Nngp, "NNGP");
        CheckFinite(kernels.Ntk, "NTK");
        CsvMatrix.Write(Path.Combine(outputDirectory, NngpFileName), kernels.Nngp);
        CsvMatrix.Write(Path.Combine(outputDirectory, NtkFileName), kernels.Ntk);
        return kernels;
    }

    private static void CheckFinite(double[,] kernel, string name)
    {
        foreach (double v in kernel)
            if (!double.IsFinite(v))
                throw new InvalidOperationException($"the {name} has a non-finite entry ({v}); nothing was written");
    }
}
