using System.Runtime.InteropServices;
using LinearizationLab.Architecture;

namespace LinearizationLab.Analytic;

/// <summary>
/// Infinite-width NNGP and NTK of an arch.json network, equal to neural-tangents' <c>stax</c> kernel_fn for the
/// same network (Lee et al. 2018; Jacot et al. 2018; Novak et al. 2019 for convolutions), in float64.
/// Input K⁰ = x·x'/d (flat) or Σ_c x_c x'_c / C per pair of positions (images), Θ⁰ = 0; dense and conv layers
/// K ← w²·A(K) + b², Θ ← K_new + w²·A(Θ) (A the patch average, identity for dense); activations
/// K ← E[φφ], Θ ← K̇·Θ; flatten takes the mean of the spatial diagonal, global_avg_pool the mean over all
/// position pairs, avg_pool K, Θ ← (1/|w|²)·Σ over the pairs of its windows' positions. Under the standard parameterization the NNGP is the same and the NTK follows
/// neural-tangents: Θ ← fan_in·A(K) + w²·A(Θ) + 1, which depends on the finite hidden widths of the spec.
/// </summary>
public static class AnalyticKernels
{
    /// <summary>
    /// Kernels with at least this many entries let activations without a closed form (tanh) read their Gaussian integrals
    /// from a table per layer (<see cref="Layers.TabulatedGaussianKernel"/>: 2049 exact quadratures per table against one per
    /// entry, within 1e-7 of the kernel's scale); smaller ones use the exact quadrature per entry.
    /// </summary>
    public const long TabulationThreshold = 100_000;

    /// <summary>Rows per block: each block's input Gram matrix is one dgemm, then its pairs run the recursion in parallel.</summary>
    private const int GramRows = 256;

    /// <summary>
    /// The per-output kernels between the rows of <paramref name="x1"/> and of <paramref name="x2"/>
    /// (or of <paramref name="x1"/> with itself when <paramref name="x2"/> is null, computing one triangle).
    /// Rows are examples flattened in C,H,W order (N × prod(input_shape)). Memory beyond the two N1×N2 results
    /// is O(N·depth) for flat inputs, and per thread O(P²) (with global_avg_pool or avg_pool) or O(P) for P input positions.
    /// </summary>
    /// <param name="arch">The network; hidden widths are ignored except for the standard-parameterization NTK.</param>
    /// <param name="x1">First examples, N1 × prod(input_shape).</param>
    /// <param name="x2">Second examples, N2 × prod(input_shape); null for x1 against itself.</param>
    /// <param name="progress">Receives the fraction of pairs done, from 0 to 1.</param>
    /// <exception cref="ArgumentException">An input has the wrong number of columns.</exception>
    /// <param name="tabulate">Whether activations without a closed form read tables (null: when the kernel has at least
    /// <see cref="TabulationThreshold"/> entries; false: the exact quadrature per entry, the reference path).</param>
    /// <param name="cancel">Checked between blocks of rows (Ctrl-C stops a long kernel within a block).</param>
    public static KernelPair Compute(ArchitectureSpec arch, double[,] x1, double[,]? x2 = null, IProgress<double>? progress = null,
        bool? tabulate = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(x1);
        int n1 = x1.GetLength(0), n2 = (x2 ?? x1).GetLength(0);
        var result = new KernelPair(new double[n1, n2], new double[n1, n2]);
        ComputeInto(result, arch, x1, x2, progress, tabulate, cancel);
        return result;
    }

    /// <summary>
    /// <see cref="Compute"/> into given arrays with N1 rows and at least N2 columns (columns [0, N2) are written, the rest left
    /// alone), so that the blocks of a large kernel can reuse one pair of arrays.
    /// </summary>
    /// <exception cref="ArgumentException">An input has the wrong number of columns, or the destination the wrong shape.</exception>
    /// <param name="destination">Arrays with N1 rows and at least N2 columns for K and Θ.</param>
    /// <param name="arch">The network, as for <see cref="Compute"/>.</param>
    /// <param name="x1">First examples, N1 × prod(input_shape).</param>
    /// <param name="x2">Second examples; null for x1 against itself.</param>
    /// <param name="progress">Receives the fraction of pairs done, from 0 to 1.</param>
    /// <param name="tabulate">As for <see cref="Compute"/>.</param>
    /// <param name="cancel">Checked between blocks of rows.</param>
    /// <param name="x2Rows">Use only the first N2 rows of <paramref name="x2"/> (all by default): the kernel against a prefix of
    /// a data set without copying it.</param>
    public static void ComputeInto(KernelPair destination, ArchitectureSpec arch, double[,] x1, double[,]? x2 = null,
        IProgress<double>? progress = null, bool? tabulate = null, CancellationToken cancel = default, int? x2Rows = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(x1);
        CheckColumns(arch, x1, nameof(x1));
        if (x2 is not null) CheckColumns(arch, x2, nameof(x2));
        bool symmetric = x2 is null;
        var second = x2 ?? x1;
        int n1 = x1.GetLength(0), n2 = x2Rows ?? second.GetLength(0);
        if (x2Rows is not null && (x2 is null || n2 < 0 || n2 > x2.GetLength(0)))
            throw new ArgumentOutOfRangeException(nameof(x2Rows), x2Rows, "must be between 0 and x2's rows, with x2 given");
        var (nngp, ntk) = destination;
        if (nngp.GetLength(0) != n1 || nngp.GetLength(1) < n2 || ntk.GetLength(0) != n1 || ntk.GetLength(1) < n2)
            throw new ArgumentException($"the destination must be two arrays of {n1} rows and at least {n2} columns", nameof(destination));
        var recursion = new KernelRecursion(arch, tabulate ?? (long)n1 * n2 >= TabulationThreshold);
        if (n1 == 0 || n2 == 0) return;

        if (recursion.SpatialInput) ComputeSpatial(recursion, x1, second, n2, symmetric, nngp, ntk, progress, cancel);
        else ComputeFlat(recursion, x1, second, n2, symmetric, nngp, ntk, progress, cancel);

        if (symmetric) Mirror(n1, nngp, ntk);
        progress?.Report(1.0);
    }

    /// <summary>
    /// The kernels of every truncation of a flat network at once: for each layer index in <paramref name="taps"/> (ascending),
    /// K and Θ of the network cut after that layer, from one pass of the recursion per pair. For an MLP whose hidden and
    /// readout layers share σ_w², σ_b², the pre-activation after dense layer d + 1 is the output of the depth-d network
    /// (the affine map does not depend on the fan-in), so one deep network gives every shallower one (<c>lab gp --search</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A spatial network, or a tap that is not a layer index.</exception>
    public static KernelPair[] ComputeAtLayers(ArchitectureSpec arch, double[,] x1, double[,] x2, IReadOnlyList<int> taps,
        CancellationToken cancel = default, bool? tabulate = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        ArgumentNullException.ThrowIfNull(taps);
        CheckColumns(arch, x1, nameof(x1));
        CheckColumns(arch, x2, nameof(x2));
        if (taps.Any(t => t < 0 || t >= arch.Layers.Count) || taps.Zip(taps.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException("taps must be ascending layer indices", nameof(taps));
        int n1 = x1.GetLength(0), n2 = x2.GetLength(0), d = x1.GetLength(1);
        var recursion = new KernelRecursion(arch, tabulate ?? (long)n1 * n2 >= TabulationThreshold);
        if (recursion.SpatialInput) throw new ArgumentException("kernels at several depths are computed for flat (MLP) networks only", nameof(arch));
        var result = taps.Select(_ => new KernelPair(new double[n1, n2], new double[n1, n2])).ToArray();
        if (n1 == 0 || n2 == 0) return result;
        double scale = 1.0 / d;
        var (_, var1) = FlatSelf(recursion, x1, n1, scale);
        var (_, var2) = FlatSelf(recursion, x2, n2, scale);
        int v = recursion.VarianceLength;
        var gram = new double[Math.Min(GramRows, n1), n2];
        for (int rowStart = 0; rowStart < n1; rowStart += GramRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(GramRows, n1 - rowStart);
            Gram(x1, rowStart, rows, x2, 0, n2, scale, ref gram[0, 0], n2);
            Parallel.For(0, rows, new ParallelOptions { CancellationToken = cancel }, recursion.NewState, (r, _, state) =>
            {
                int i = rowStart + r;
                Span<(double Nngp, double Ntk)> tapped = stackalloc (double, double)[taps.Count];
                for (int j = 0; j < n2; j++)
                {
                    recursion.FlatPairTapped(gram[r, j], var1, i * v, var2, j * v, state, taps, tapped);
                    for (int t = 0; t < taps.Count; t++) (result[t].Nngp[i, j], result[t].Ntk[i, j]) = tapped[t];
                }
                return state;
            }, _ => { });
        }
        return result;
    }

    private static void CheckColumns(ArchitectureSpec arch, double[,] x, string name)
    {
        if (x.GetLength(1) != arch.InputSize)
            throw new ArgumentException(
                $"rows must have {arch.InputSize} features (input_shape [{string.Join(",", arch.InputShape)}]) but have {x.GetLength(1)}", name);
    }

    private static ReadOnlySpan<double> Rows(double[,] x) => MemoryMarshal.CreateReadOnlySpan(ref x[0, 0], x.Length);

    private static void ComputeFlat(KernelRecursion recursion, double[,] x1, double[,] x2, int n2, bool symmetric,
        double[,] nngp, double[,] ntk, IProgress<double>? progress, CancellationToken cancel)
    {
        int n1 = x1.GetLength(0), d = x1.GetLength(1), v = recursion.VarianceLength;
        double scale = 1.0 / d;
        var (k1, var1) = FlatSelf(recursion, x1, n1, scale);
        var (_, var2) = symmetric ? (k1, var1) : FlatSelf(recursion, x2, n2, scale);
        double total = symmetric ? 0.5 * n1 * (n1 + 1.0) : (double)n1 * n2;
        long done = 0;
        for (int rowStart = 0; rowStart < n1; rowStart += GramRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(GramRows, n1 - rowStart);
            int columnStart = symmetric ? rowStart : 0;
            // K⁰ of the block's pairs goes straight into the NNGP's rows, which the recursion then overwrites pair by pair.
            Gram(x1, rowStart, rows, x2, columnStart, n2, scale, ref nngp[rowStart, columnStart], nngp.GetLength(1));
            Parallel.For(rowStart, rowStart + rows, new ParallelOptions { CancellationToken = cancel }, recursion.NewState, (i, _, state) =>
            {
                int start = symmetric ? i : 0;
                for (int j = start; j < n2; j++)
                {
                    double k0 = symmetric && i == j ? k1[i] : nngp[i, j];
                    (nngp[i, j], ntk[i, j]) = recursion.FlatPair(k0, var1, i * v, var2, j * v, state);
                }
                return state;
            }, _ => { });
            done += symmetric ? (long)rows * (n2 - rowStart) - (long)rows * (rows - 1) / 2 : (long)rows * n2;
            Report(progress, done, total);
        }
    }

    /// <summary>
    /// K⁰ = x1[i]·x2[j]·scale for rows [rowStart, rowStart + rows) of x1 and rows [columnStart, n2) of x2, written row by
    /// row from <paramref name="dest"/> with row length <paramref name="destStride"/> (one BLAS dgemm).
    /// </summary>
    private static void Gram(double[,] x1, int rowStart, int rows, double[,] x2, int columnStart, int n2, double scale, ref double dest, int destStride)
    {
        int d = x1.GetLength(1), columns = n2 - columnStart;
        if (columns == 0) return;
        var a = MemoryMarshal.CreateReadOnlySpan(ref x1[rowStart, 0], rows * d);
        var b = MemoryMarshal.CreateReadOnlySpan(ref x2[columnStart, 0], columns * d);
        var c = MemoryMarshal.CreateSpan(ref dest, (rows - 1) * destStride + columns);
        Lapack.Gemm(false, true, rows, columns, d, scale, a, d, b, d, 0, c, destStride);
    }

    private static (double[] K0, double[] Variances) FlatSelf(KernelRecursion recursion, double[,] x, int n, double scale)
    {
        int d = x.GetLength(1), v = recursion.VarianceLength;
        var k0 = new double[n];
        var variances = new double[n * v];
        Parallel.For(0, n, recursion.NewState, (i, _, state) =>
        {
            var row = Rows(x).Slice(i * d, d);
            double squaredNorm = 0;
            foreach (double value in row) squaredNorm += value * value;
            k0[i] = squaredNorm * scale;
            recursion.FlatSelf(k0[i], variances, i * v, state);
            return state;
        }, _ => { });
        return (k0, variances);
    }

    private static void ComputeSpatial(KernelRecursion recursion, double[,] x1, double[,] x2, int n2, bool symmetric,
        double[,] nngp, double[,] ntk, IProgress<double>? progress, CancellationToken cancel)
    {
        int n1 = x1.GetLength(0), d = x1.GetLength(1), v = recursion.VarianceLength;
        var var1 = SpatialSelf(recursion, x1, n1);
        var var2 = symmetric ? var1 : SpatialSelf(recursion, x2, n2);
        double total = symmetric ? 0.5 * n1 * (n1 + 1.0) : (double)n1 * n2;
        long done = 0;
        Parallel.For(0, n1, new ParallelOptions { CancellationToken = cancel }, recursion.NewState, (i, _, workspace) =>
        {
            int start = symmetric ? i : 0;
            for (int j = start; j < n2; j++)
            {
                (nngp[i, j], ntk[i, j]) = recursion.SpatialPair(Rows(x1).Slice(i * d, d), Rows(x2).Slice(j * d, d),
                    var1, i * v, var2, j * v, workspace);
            }

            Report(progress, Interlocked.Add(ref done, n2 - start), total);
            return workspace;
        }, _ => { });
    }

    private static double[] SpatialSelf(KernelRecursion recursion, double[,] x, int n)
    {
        int d = x.GetLength(1), v = recursion.VarianceLength;
        var variances = new double[n * v];
        Parallel.For(0, n, recursion.NewState, (i, _, workspace) =>
        {
            recursion.SpatialSelf(Rows(x).Slice(i * d, d), variances, i * v, workspace);
            return workspace;
        }, _ => { });
        return variances;
    }

    private static void Mirror(int n, double[,] nngp, double[,] ntk)
    {
        Parallel.For(0, n, i =>
        {
            for (int j = 0; j < i; j++)
            {
                nngp[i, j] = nngp[j, i];
                ntk[i, j] = ntk[j, i];
            }
        });
    }

    private static void Report(IProgress<double>? progress, long done, double total) => progress?.Report(Math.Min(done / total, 1.0));
}
