namespace LinearizationLab.Analytic;

/// <summary>
/// The per-output infinite-width kernels of a network between two sets of examples:
/// the NNGP kernel K(x, x') = E[f(x) f(x')] at initialization and the neural tangent kernel
/// Θ(x, x') (Jacot et al. 2018), each N1 × N2. Every output of an infinitely wide network has the same kernels.
/// </summary>
/// <param name="Nngp">NNGP kernel, N1 × N2.</param>
/// <param name="Ntk">Neural tangent kernel, N1 × N2.</param>
public sealed record KernelPair(double[,] Nngp, double[,] Ntk)
{
    /// <summary>Number of rows N1 (examples of the first set).</summary>
    public int RowCount => Nngp.GetLength(0);

    /// <summary>Number of columns N2 (examples of the second set).</summary>
    public int ColumnCount => Nngp.GetLength(1);
}
