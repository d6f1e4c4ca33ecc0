using LinearizationLab.Architecture;

namespace LinearizationLab.Analytic;

/// <summary>
/// The layer-by-layer infinite-width recursion of an <see cref="ArchitectureSpec"/>, compiled once and run per
/// pair of examples (neural-tangents' <c>stax</c> kernel_fn; KERNEL-CONVENTIONS.md). A pair's state is the
/// NNGP K and NTK Θ over position pairs — the full P×P block when a global_avg_pool follows, the spatial
/// diagonal otherwise — and becomes a scalar after flatten or global_avg_pool.
/// Activations read the pre-activation variances Σ11, Σ22 of each example from its own "self" run, stored
/// per activation layer and position (the slots).
/// </summary>
internal sealed class KernelRecursion
{
    private readonly Step[] _steps;
    private readonly bool _ntkParameterization;

    public KernelRecursion(ArchitectureSpec arch)
    {
        _ntkParameterization = arch.Parameterization == Parameterization.Ntk;
        var input = arch.InputShape;
        SpatialInput = input.Length > 1;
        InputChannels = input[0];
        InputPositions = SpatialInput ? input.Skip(1).Aggregate(1, (a, n) => a * n) : 1;
        FullSpatial = SpatialInput && arch.Layers.Any(l => l is GlobalAvgPoolSpec);

        var steps = new List<Step>();
        int slotOffset = 0;
        int buffer = SpatialInput ? BufferLength(InputPositions) : 1;
        for (int i = 0; i < arch.Layers.Count; i++)
        {
            var shape = arch.Shapes[i];
            bool spatial = shape.Length > 1;
            int positions = spatial ? shape.Skip(1).Aggregate(1, (a, n) => a * n) : 1;
            switch (arch.Layers[i])
            {
                case AffineLayerSpec affine:
                    var patch = affine is ConvSpec conv ? new PatchAverage(conv, shape) : null;
                    if (patch is not null) buffer = Math.Max(buffer, BufferLength(patch.OutputPositions));
                    steps.Add(new Step(StepKind.Affine, spatial, affine.WStd * affine.WStd, affine.BStd * affine.BStd,
                        affine.FanIn(shape), patch, null, 0));
                    break;
                case ActivationSpec activation:
                    steps.Add(new Step(StepKind.Activation, spatial, 0, 0, 0, null,
                        ActivationKernel.For(activation.Function), slotOffset));
                    slotOffset += positions;
                    break;
                case FlattenSpec:
                    steps.Add(new Step(StepKind.Flatten, spatial, 0, 0, 0, null, null, 0));
                    break;
                case GlobalAvgPoolSpec:
                    steps.Add(new Step(StepKind.GlobalAvgPool, spatial, 0, 0, 0, null, null, 0));
                    break;
                default:
                    throw new ArgumentException($"layers[{i}]: no infinite-width kernel for layer type '{arch.Layers[i].TypeName}'");
            }
        }

        _steps = [.. steps];
        VarianceLength = slotOffset;
        BufferSize = buffer;
    }

    private enum StepKind
    {
        Affine,
        Activation,
        Flatten,
        GlobalAvgPool,
    }

    /// <summary>True for [C,L] or [C,H,W] inputs.</summary>
    public bool SpatialInput { get; }

    /// <summary>True when the full spatial covariance is tracked (a global_avg_pool follows).</summary>
    public bool FullSpatial { get; }

    /// <summary>Input channels C (the input width d for flat inputs).</summary>
    public int InputChannels { get; }

    /// <summary>Input positions P (1 for flat inputs).</summary>
    public int InputPositions { get; }

    /// <summary>Number of stored pre-activation variances per example (positions summed over activation layers).</summary>
    public int VarianceLength { get; }

    /// <summary>Length of each work buffer of a <see cref="Workspace"/>.</summary>
    public int BufferSize { get; }

    /// <summary>Runs the flat network's recursion for one example from K⁰ = x·x/d, storing its pre-activation variances.</summary>
    public void FlatSelf(double k0, Span<double> variances) => RunFlat(0, k0, 0, variances, variances, true);

    /// <summary>NNGP and NTK of a flat network for a pair with input kernel K⁰ = x·x'/d.</summary>
    public (double Nngp, double Ntk) FlatPair(double k0, Span<double> v1, Span<double> v2) => RunFlat(0, k0, 0, v1, v2, false);

    /// <summary>Runs a spatial network's recursion for one example x (C×P, channels first), storing its pre-activation variances.</summary>
    public void SpatialSelf(ReadOnlySpan<double> x, Span<double> variances, Workspace workspace) =>
        RunSpatial(x, x, variances, variances, true, workspace);

    /// <summary>NNGP and NTK of a spatial network for a pair of examples.</summary>
    public (double Nngp, double Ntk) SpatialPair(ReadOnlySpan<double> x1, ReadOnlySpan<double> x2,
        Span<double> v1, Span<double> v2, Workspace workspace) => RunSpatial(x1, x2, v1, v2, false, workspace);

    private int BufferLength(int positions) => FullSpatial ? positions * positions : positions;

    private (double, double) RunFlat(int from, double k, double theta, Span<double> v1, Span<double> v2, bool self)
    {
        for (int s = from; s < _steps.Length; s++)
        {
            var step = _steps[s];
            switch (step.Kind)
            {
                case StepKind.Affine:
                    (k, theta) = Affine(step, k, theta);
                    break;
                case StepKind.Activation:
                    if (self)
                    {
                        v1[step.Slot] = k;
                        k = step.Activation!.SelfCovariance(k);
                    }
                    else
                    {
                        var (kNew, derivative) = step.Activation!.Transform(v1[step.Slot], v2[step.Slot], k);
                        theta *= derivative;
                        k = kNew;
                    }

                    break;
            }
        }

        return (k, theta);
    }

    /// <summary>Dense affine map (NTK: K ← w²K + b², Θ ← K_new + w²Θ; standard: Θ ← fan_in·K + w²Θ + 1, neural-tangents).</summary>
    private (double, double) Affine(Step step, double k, double theta) => _ntkParameterization
        ? (step.W2 * k + step.B2, step.W2 * k + step.B2 + step.W2 * theta)
        : (step.W2 * k + step.B2, step.FanIn * k + step.W2 * theta + 1.0);

    private (double, double) RunSpatial(ReadOnlySpan<double> x1, ReadOnlySpan<double> x2,
        Span<double> v1, Span<double> v2, bool self, Workspace ws)
    {
        int p = InputPositions, c = InputChannels;
        bool full = FullSpatial;
        double[] k = ws.K, theta = ws.Theta, kNext = ws.KNext, thetaNext = ws.ThetaNext;
        if (full)
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

        Array.Clear(theta, 0, full ? p * p : p);
        int positions = p;
        bool thetaZero = true;
        for (int s = 0; s < _steps.Length; s++)
        {
            var step = _steps[s];
            int length = full ? positions * positions : positions;
            switch (step.Kind)
            {
                case StepKind.Affine:
                    var patch = step.Patch!;
                    int outLength = full ? patch.OutputPositions * patch.OutputPositions : patch.OutputPositions;
                    if (full) patch.ApplyFull(k.AsSpan(0, length), kNext.AsSpan(0, outLength));
                    else patch.ApplyDiagonal(k.AsSpan(0, length), kNext.AsSpan(0, outLength));
                    if (thetaZero || self) Array.Clear(thetaNext, 0, outLength);
                    else if (full) patch.ApplyFull(theta.AsSpan(0, length), thetaNext.AsSpan(0, outLength));
                    else patch.ApplyDiagonal(theta.AsSpan(0, length), thetaNext.AsSpan(0, outLength));
                    for (int e = 0; e < outLength; e++)
                        (kNext[e], thetaNext[e]) = Affine(step, kNext[e], thetaNext[e]);
                    (k, kNext) = (kNext, k);
                    (theta, thetaNext) = (thetaNext, theta);
                    positions = patch.OutputPositions;
                    thetaZero = false;
                    break;

                case StepKind.Activation:
                    var activation = step.Activation!;
                    if (self)
                    {
                        for (int i = 0; i < positions; i++) v1[step.Slot + i] = k[full ? i * positions + i : i];
                    }

                    var s1 = v1.Slice(step.Slot, positions);
                    var s2 = v2.Slice(step.Slot, positions);
                    for (int i = 0; i < positions; i++)
                    {
                        if (full)
                        {
                            for (int j = 0; j < positions; j++)
                            {
                                int e = i * positions + j;
                                var (kNew, derivative) = activation.Transform(s1[i], s2[j], k[e]);
                                k[e] = kNew;
                                theta[e] *= derivative;
                            }
                        }
                        else
                        {
                            var (kNew, derivative) = activation.Transform(s1[i], s2[i], k[i]);
                            k[i] = kNew;
                            theta[i] *= derivative;
                        }
                    }

                    break;

                case StepKind.Flatten:
                case StepKind.GlobalAvgPool:
                    double kSum = 0, thetaSum = 0;
                    if (step.Kind == StepKind.GlobalAvgPool)
                    {
                        for (int e = 0; e < length; e++)
                        {
                            kSum += k[e];
                            thetaSum += theta[e];
                        }

                        return RunFlat(s + 1, kSum / length, thetaSum / length, v1, v2, self);
                    }

                    for (int i = 0; i < positions; i++)
                    {
                        int e = full ? i * positions + i : i;
                        kSum += k[e];
                        thetaSum += theta[e];
                    }

                    return RunFlat(s + 1, kSum / positions, thetaSum / positions, v1, v2, self);
            }
        }

        throw new InvalidOperationException("the network must end with a flat output");
    }

    /// <summary>Per-thread work buffers for spatial networks.</summary>
    internal sealed class Workspace(int length)
    {
        public double[] K { get; } = new double[length];

        public double[] Theta { get; } = new double[length];

        public double[] KNext { get; } = new double[length];

        public double[] ThetaNext { get; } = new double[length];
    }

    private sealed record Step(StepKind Kind, bool Spatial, double W2, double B2, double FanIn,
        PatchAverage? Patch, ActivationKernel? Activation, int Slot);
}
