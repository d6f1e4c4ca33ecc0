using LinearizationLab.Empirical;
using LinearizationLab.Experiments;

namespace LinearizationLab.Runs;

/// <summary>What <see cref="EmpiricalKernelRun.Execute"/> computed and the names of the files it wrote, in the order written.</summary>
/// <param name="Kernels">The empirical NTK (full, averaged, per layer) and NNGP.</param>
/// <param name="FileNames">File names inside the output directory (ntk.csv, nngp.csv, then the optional ones).</param>
public sealed record EmpiricalKernelFiles(EmpiricalKernels Kernels, IReadOnlyList<string> FileNames);
