using LinearizationLab.Empirical;
using LinearizationLab.Experiments;

namespace LinearizationLab.Runs;

/// <summary>What <see cref="EmpiricalKernelRun.Execute"/> computed and the names of the files it wrote, in the order written.</summary>
/// <param name="Kernels">The empirical NTK (full, averaged, per layer) and NNGP.</param>
/// <param name="FileNames">File names inside the output directory (ntk, nngp, then the optional ones, each .csv or .npy).</param>
public sealed record EmpiricalKernelFiles(EmpiricalKernels Kernels, IReadOnlyList<string> FileNames);
