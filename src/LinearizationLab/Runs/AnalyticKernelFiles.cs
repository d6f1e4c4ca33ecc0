using LinearizationLab.Analytic;

namespace LinearizationLab.Runs;

/// <summary>What <see cref="AnalyticKernelRun.Execute"/> computed and the names of the files it wrote, in the order written.</summary>
/// <param name="Kernels">The analytic NNGP and NTK.</param>
/// <param name="FileNames">File names inside the output directory (nngp, then ntk, each .csv or .npy).</param>
public sealed record AnalyticKernelFiles(KernelPair Kernels, IReadOnlyList<string> FileNames);
