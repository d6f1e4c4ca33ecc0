using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Networks;

namespace LinearizationLab.Runs;

/// <summary>
/// <c>lab ntk</c> as a library call: reads an arch.json and input matrices (CSV, .npy or an .npz array), draws the network's θ0
/// from a seed, computes its empirical NTK Θ̂0 and readout NNGP with <see cref="EmpiricalKernels.Compute(Architecture.ArchitectureSpec, long, TensorSettings, double[,], double[,], NtkMethod, bool)"/>,
/// and writes DIR/ntk (the output-averaged Θ̂0) and DIR/nngp, optionally DIR/ntk_full (N1·O × N2·O, row i·O + k) and
/// DIR/ntk_layer{l} (each affine layer's output-averaged term), each .csv or .npy (<see cref="MatrixFile"/>). Nothing is
/// written before every kernel is computed, so bad input leaves nothing behind.
/// </summary>
public static class EmpiricalKernelRun
{
    /// <summary>Name (without extension) of the output-averaged empirical NTK: the analytic NTK's of <see cref="AnalyticKernelRun"/>, so the two compare file by file.</summary>
    public const string NtkName = AnalyticKernelRun.NtkName;

    /// <summary>Name (without extension) of the empirical readout NNGP, as <see cref="AnalyticKernelRun.NngpName"/>.</summary>
    public const string NngpName = AnalyticKernelRun.NngpName;

    /// <summary>Name (without extension) of the full N1·O × N2·O empirical NTK.</summary>
    public const string FullNtkName = "ntk_full";

    /// <summary>Name (without extension) of the output-averaged term of the <paramref name="layer"/>-th affine layer (1-based).</summary>
    public static string LayerName(int layer) => $"ntk_layer{layer}";

    /// <summary>
    /// Reads the inputs (<see cref="KernelInputs.Read"/>: the arch.json, x1 and, unless <paramref name="x2Path"/> is
    /// null, x2), builds the network with θ0 drawn from <paramref name="seed"/> in <paramref name="settings"/>, computes
    /// Θ̂0(x1, x2) by <paramref name="method"/> and K(x1, x2) (x2 = x1 when null), and writes them to
    /// <paramref name="outputDirectory"/> (created if needed), with <see cref="FullNtkName"/> when
    /// <paramref name="full"/> and a <see cref="LayerName"/> per affine layer when <paramref name="perLayer"/>, all in
    /// <paramref name="format"/> (by default <see cref="MatrixFile.DefaultFormat"/> of the largest file).
    /// </summary>
    /// <exception cref="InvalidInputException">An input file is missing or malformed (see <see cref="KernelInputs.Read"/>).</exception>
    /// <exception cref="OutputWriteException">A file could not be written.</exception>
    public static EmpiricalKernelFiles Execute(string archPath, string x1Path, string? x2Path, long seed, NtkMethod method,
        TensorSettings settings, string outputDirectory, bool full = false, bool perLayer = false, MatrixFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var (arch, x1, x2) = KernelInputs.Read(archPath, x1Path, x2Path);
        int n1 = x1.GetLength(0), n2 = x2?.GetLength(0) ?? n1;
        RunMemory.EmpiricalKernel(arch, settings, n1, n2, method, perLayer).EnsureFits(x1Path, "rows", $"the {n1}×{n2} empirical NTK");
        var kernels = EmpiricalKernels.Compute(arch, seed, settings, x1, x2, method, perLayer);
        var files = new List<(string Name, double[,] Matrix)> { (NtkName, kernels.Ntk.Averaged), (NngpName, kernels.Nngp) };
        if (full) files.Add((FullNtkName, kernels.Ntk.Full));
        if (perLayer)
            for (int l = 0; l < kernels.Ntk.PerLayer.Count; l++)
                files.Add((LayerName(l + 1), NtkResult.OutputAverage(kernels.Ntk.PerLayer[l], kernels.Ntk.OutputCount)));
        var chosen = format ?? MatrixFile.DefaultFormat(files.Max(f => (long)f.Matrix.Length));
        Directory.CreateDirectory(outputDirectory);
        var names = files.Select(f => MatrixFile.FileName(f.Name, chosen)).ToList();
        for (int i = 0; i < files.Count; i++) MatrixFile.Write(Path.Combine(outputDirectory, names[i]), files[i].Matrix, chosen);
        return new EmpiricalKernelFiles(kernels, names);
    }
}
