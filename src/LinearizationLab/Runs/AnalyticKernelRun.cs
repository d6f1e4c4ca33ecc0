using LinearizationLab.Analytic;
using LinearizationLab.Data;
using LinearizationLab.Experiments;

namespace LinearizationLab.Runs;

/// <summary>
/// <c>lab kernel</c> as a library call: reads an arch.json and input matrices (CSV, .npy or an .npz array), computes the
/// analytic infinite-width NNGP and NTK with <see cref="AnalyticKernels.Compute"/>, and writes DIR/nngp and DIR/ntk as CSV
/// (round-trip format, <see cref="CsvMatrix"/>) or .npy (<see cref="NpyFile"/>). Both files are written only after both
/// kernels are computed and checked finite, so bad input leaves nothing behind.
/// </summary>
public static class AnalyticKernelRun
{
    /// <summary>Name (without extension) of the NNGP kernel inside the output directory.</summary>
    public const string NngpName = "nngp";

    /// <summary>Name (without extension) of the NTK inside the output directory.</summary>
    public const string NtkName = "ntk";

    /// <summary>
    /// Reads the inputs (<see cref="KernelInputs.Read"/>: the arch.json, x1 and, unless <paramref name="x2Path"/> is
    /// null, x2), computes K(x1, x2) and Θ(x1, x2) (x2 = x1 when null) and writes them to
    /// <paramref name="outputDirectory"/> (created if needed) in <paramref name="format"/> (by default
    /// <see cref="MatrixFile.DefaultFormat"/> of N1·N2); returns the kernels and file names. <paramref name="progress"/>
    /// receives the fraction of kernel entries done, 0 to 1.
    /// </summary>
    /// <exception cref="InvalidInputException">An input file is missing or malformed (see <see cref="KernelInputs.Read"/>).</exception>
    /// <exception cref="OutputWriteException">A file could not be written.</exception>
    public static AnalyticKernelFiles Execute(string archPath, string x1Path, string? x2Path, string outputDirectory,
        IProgress<double>? progress = null, MatrixFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var (arch, x1, x2) = KernelInputs.Read(archPath, x1Path, x2Path);
        int n1 = x1.GetLength(0), n2 = x2?.GetLength(0) ?? n1;
        RunMemory.AnalyticKernel(arch, n1, n2).EnsureFits(x1Path, "rows", $"the {n1}×{n2} analytic kernels");
        var kernels = AnalyticKernels.Compute(arch, x1, x2, progress);
        CheckFinite(kernels.Nngp, "NNGP");
        CheckFinite(kernels.Ntk, "NTK");
        var chosen = format ?? MatrixFile.DefaultFormat((long)n1 * n2);
        string nngp = MatrixFile.FileName(NngpName, chosen), ntk = MatrixFile.FileName(NtkName, chosen);
        MatrixFile.Write(Path.Combine(outputDirectory, nngp), kernels.Nngp, chosen);
        MatrixFile.Write(Path.Combine(outputDirectory, ntk), kernels.Ntk, chosen);
        return new AnalyticKernelFiles(kernels, [nngp, ntk]);
    }

    private static void CheckFinite(double[,] kernel, string name)
    {
        foreach (double v in kernel)
            if (!double.IsFinite(v))
                throw new InvalidOperationException($"the {name} has a non-finite entry ({v}); nothing was written");
    }
}
