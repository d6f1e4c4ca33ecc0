using LinearizationLab.Architecture;
using LinearizationLab.Layers;

namespace LinearizationLab.Analytic;

/// <summary>
/// The layer-by-layer infinite-width recursion of an <see cref="ArchitectureSpec"/>, compiled once from each layer's
/// <see cref="Layer.KernelStep"/> and run per pair of examples (neural-tangents' <c>stax</c> kernel_fn; docs/KERNEL-CONVENTIONS.md).
/// A pair's state (<see cref="KernelState"/>) is the NNGP K and NTK Θ over position pairs — the full P×P block when a layer
/// needs it (global_avg_pool, avg_pool), the spatial diagonal otherwise — and becomes a scalar after flatten or global_avg_pool.
/// Activations read the pre-activation variances Σ11, Σ22 of each example from its own "self" run, stored
/// per activation layer and position (the slots).
/// </summary>
internal sealed class KernelRecursion
{
    private readonly KernelStep[] _steps;
    private readonly int _snapshots;

    public KernelRecursion(ArchitectureSpec arch, bool tabulate = false)
    {
        if (arch.NoAnalyticKernelsReason is { } reason) throw new ArgumentException(reason, nameof(arch));
        var input = arch.InputShape;
        SpatialInput = input.Length > 1;
        InputChannels = input[0];
        InputPositions = SpatialInput ? input.Skip(1).Aggregate(1, (a, n) => a * n) : 1;
        FullSpatial = SpatialInput && arch.Layers.Any(l => l.NeedsFullSpatialCovariance);
        var plan = new KernelPlan(FullSpatial, SpatialInput, InputPositions) { Tabulate = tabulate };
        _steps = new KernelStep[arch.Layers.Count];
        for (int i = 0; i < _steps.Length; i++)
        {
            try { _steps[i] = arch.Layers[i].KernelStep(arch.ContextOf(i), plan); }
            catch (NotSupportedException e) { throw new ArgumentException($"layers[{i}]: {e.Message}", e); }
            catch (LayerPathException e) { throw new ArgumentException($"layers[{i}]{e.Path}: {e.Message}", e); }
        }

        VarianceLength = plan.VarianceLength;
        BufferSize = plan.BufferSize;
        _snapshots = plan.SnapshotCount;
    }

    /// <summary>True for [C,L] or [C,H,W] inputs.</summary>
    public bool SpatialInput { get; }

    /// <summary>True when the full spatial covariance is tracked (a global_avg_pool or avg_pool follows).</summary>
    public bool FullSpatial { get; }

    /// <summary>Input channels C (the input width d for flat inputs).</summary>
    public int InputChannels { get; }

    /// <summary>Input positions P (1 for flat inputs).</summary>
    public int InputPositions { get; }

    /// <summary>Number of stored pre-activation variances per example (positions summed over activation layers).</summary>
    public int VarianceLength { get; }

    /// <summary>Length of each work buffer of a <see cref="KernelState"/>.</summary>
    public int BufferSize { get; }

    /// <summary>A fresh per-thread state.</summary>
    public KernelState NewState() => new(BufferSize, FullSpatial, _snapshots);

    /// <summary>Runs the flat network's recursion for one example from K⁰ = x·x/d, storing its variances at <paramref name="offset"/>.</summary>
    public void FlatSelf(double k0, double[] variances, int offset, KernelState state)
    {
        state.StartFlat(k0, variances, offset, variances, offset, self: true);
        Run(state);
    }

    /// <summary>NNGP and NTK of a flat network for a pair with input kernel K⁰ = x·x'/d.</summary>
    public (double Nngp, double Ntk) FlatPair(double k0, double[] v1, int offset1, double[] v2, int offset2, KernelState state)
    {
        state.StartFlat(k0, v1, offset1, v2, offset2, self: false);
        return Run(state);
    }

    /// <summary>Runs a spatial network's recursion for one example x (C×P, channels first), storing its variances at <paramref name="offset"/>.</summary>
    public void SpatialSelf(ReadOnlySpan<double> x, double[] variances, int offset, KernelState state)
    {
        StartSpatial(x, x, variances, offset, variances, offset, true, state);
        Run(state);
    }

    /// <summary>NNGP and NTK of a spatial network for a pair of examples.</summary>
    public (double Nngp, double Ntk) SpatialPair(ReadOnlySpan<double> x1, ReadOnlySpan<double> x2,
        double[] v1, int offset1, double[] v2, int offset2, KernelState state)
    {
        StartSpatial(x1, x2, v1, offset1, v2, offset2, false, state);
        return Run(state);
    }

    /// <summary>
    /// NNGP and NTK of a flat network for a pair, also read after every step listed in <paramref name="taps"/> (flat
    /// states only) into <paramref name="tapped"/>: the kernels of the network cut there.
    /// </summary>
    public void FlatPairTapped(double k0, double[] v1, int offset1, double[] v2, int offset2, KernelState state,
        IReadOnlyList<int> taps, Span<(double Nngp, double Ntk)> tapped)
    {
        state.StartFlat(k0, v1, offset1, v2, offset2, self: false);
        int next = 0;
        for (int i = 0; i < _steps.Length && next < taps.Count; i++)
        {
            _steps[i](state);
            if (taps[next] == i) tapped[next++] = (state.K[0], state.Theta[0]);
        }
    }

    private (double, double) Run(KernelState state)
    {
        foreach (var step in _steps) step(state);
        if (state.Spatial) throw new InvalidOperationException("the network must end with a flat output");
        return (state.K[0], state.Theta[0]);
    }

    /// <summary>Input kernel per pair of positions: Σ_c x_c·x'_c / C (docs/KERNEL-CONVENTIONS.md, a trap: divide by C, not C·H·W).</summary>
    private void StartSpatial(ReadOnlySpan<double> x1, ReadOnlySpan<double> x2, double[] v1, int offset1, double[] v2, int offset2,
        bool self, KernelState state)
    {
        int p = InputPositions, c = InputChannels;
        state.StartSpatial(p, v1, offset1, v2, offset2, self);
        double[] k = state.K;
        if (FullSpatial)
        {
            Array.Clear(k, 0, p * p);
            for (int ch = 0; ch < c; ch++)
            {
                var a = x1.Slice(ch * p, p);
                var b = x2.Slice(ch * p, p);
                for (int i = 0; i < p; i++)
                {
                    double ai = a[i];
                    var row = k.AsSpan(i * p, p);
                    for (int j = 0; j < p; j++) row[j] += ai * b[j];
                }
            }

            for (int e = 0; e < p * p; e++) k[e] /= c;
        }
        else
        {
            for (int i = 0; i < p; i++)
            {
                double sum = 0;
                for (int ch = 0; ch < c; ch++) sum += x1[ch * p + i] * x2[ch * p + i];
                k[i] = sum / c;
            }
        }
    }
}
