namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// The truncated NTK hierarchy (<see cref="Linearization.NtkHierarchy"/>) followed to a checkpoint's time τ = η·t on the
/// training set.
/// </summary>
/// <param name="Outputs">Its training outputs y + ε(τ), row-major [N·O].</param>
/// <param name="Kernel">Its kernel Θ(τ) on the training set, output-averaged [N, N].</param>
/// <param name="InitialKernel">Θ(0) = Θ̂0 on the training set, output-averaged.</param>
public sealed record HierarchyCheckpoint(double[] Outputs, double[,] Kernel, double[,] InitialKernel);
