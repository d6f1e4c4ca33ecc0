namespace LinearizationLab.Layers;

/// <summary>
/// The state of the infinite-width recursion for one pair of examples (x, x'), which each <see cref="KernelStep"/> updates in
/// place: the NNGP K and NTK Θ over position pairs (the full P×P block when <see cref="Full"/>, the spatial diagonal otherwise),
/// or one number each once the network is flat. In a "self" run (x = x') activations store the pre-activation variances
/// Σ(x, x) of each position in their slots; in a pair run they read Σ11 and Σ22 from both examples' stored variances.
/// Buffers are reused from pair to pair (one state per thread).
/// </summary>
public sealed class KernelState
{
    private double[] _v1 = [], _v2 = [];
    private int _o1, _o2;

    private readonly Snapshot[] _snapshots;

    /// <summary>A state with work buffers of <paramref name="bufferLength"/> entries and <paramref name="snapshots"/> slots for saved copies.</summary>
    public KernelState(int bufferLength, bool full, int snapshots = 0)
    {
        _snapshots = Enumerable.Range(0, snapshots).Select(_ => new Snapshot(new double[bufferLength], new double[bufferLength])).ToArray();
        K = new double[bufferLength];
        Theta = new double[bufferLength];
        KNext = new double[bufferLength];
        ThetaNext = new double[bufferLength];
        Full = full;
    }

    /// <summary>The NNGP entries; K[0] once flat.</summary>
    public double[] K { get; private set; }

    /// <summary>The NTK entries; Θ[0] once flat.</summary>
    public double[] Theta { get; private set; }

    /// <summary>Scratch buffer for the next K (see <see cref="SwapBuffers"/>).</summary>
    public double[] KNext { get; private set; }

    /// <summary>Scratch buffer for the next Θ.</summary>
    public double[] ThetaNext { get; private set; }

    /// <summary>True when the full covariance over position pairs is tracked.</summary>
    public bool Full { get; }

    /// <summary>False once the kernel is one number per pair (after flatten or pooling, or for flat inputs).</summary>
    public bool Spatial { get; private set; }

    /// <summary>Number of positions currently tracked (1 when flat).</summary>
    public int Positions { get; set; }

    /// <summary>True in a self run: activations store the variances instead of reading them.</summary>
    public bool Self { get; private set; }

    /// <summary>True while Θ is known to be zero (before the first affine layer).</summary>
    public bool ThetaZero { get; set; }

    /// <summary>Number of entries of K and Θ in use.</summary>
    public int Length => Spatial ? (Full ? Positions * Positions : Positions) : 1;

    /// <summary>The first example's variances from slot <paramref name="slot"/>.</summary>
    public Span<double> Variances1(int slot, int count) => _v1.AsSpan(_o1 + slot, count);

    /// <summary>The second example's variances from slot <paramref name="slot"/>.</summary>
    public Span<double> Variances2(int slot, int count) => _v2.AsSpan(_o2 + slot, count);

    /// <summary>
    /// In a self run, stores the current variances K(p, p) of the <paramref name="positions"/> tracked positions (the
    /// diagonal of the full block, or the diagonal kernel itself) in slot <paramref name="slot"/>; nothing in a pair run.
    /// </summary>
    public void StoreOwnVariances(int slot, int positions)
    {
        if (!Self) return;
        var store = Variances1(slot, positions);
        bool full = Spatial && Full;
        for (int i = 0; i < positions; i++) store[i] = K[full ? i * positions + i : i];
    }

    /// <summary>
    /// The per-position map of an activation or layer_norm: stores the variances in a self run (<see cref="StoreOwnVariances"/>),
    /// then calls <paramref name="entry"/>(Σ11(p), Σ22(q), e) for every kernel entry e over the <paramref name="positions"/>
    /// tracked positions — every pair (p, q) at e = p·P + q on a full covariance, (p, p) at e = p on the diagonal.
    /// </summary>
    public void ForEachEntry(int slot, int positions, Action<double, double, int> entry)
    {
        StoreOwnVariances(slot, positions);
        var s1 = Variances1(slot, positions);
        var s2 = Variances2(slot, positions);
        bool full = Spatial && Full;
        for (int i = 0; i < positions; i++)
        {
            if (!full)
            {
                entry(s1[i], s2[i], i);
                continue;
            }
            for (int j = 0; j < positions; j++) entry(s1[i], s2[j], i * positions + j);
        }
    }

    /// <summary>Makes the next buffers current.</summary>
    public void SwapBuffers()
    {
        (K, KNext) = (KNext, K);
        (Theta, ThetaNext) = (ThetaNext, Theta);
    }

    /// <summary>Replaces the spatial kernel by one number per pair (flatten, pooling).</summary>
    public void Collapse(double k, double theta)
    {
        K[0] = k;
        Theta[0] = theta;
        Spatial = false;
        Positions = 1;
    }

    /// <summary>Saves w·K and w·Θ (and what the state tracks) in slot <paramref name="slot"/>.</summary>
    public void Save(int slot, double weight = 1)
    {
        var saved = _snapshots[slot];
        int n = Length;
        for (int e = 0; e < n; e++)
        {
            saved.K[e] = weight * K[e];
            saved.Theta[e] = weight * Theta[e];
        }
        (saved.Spatial, saved.Positions, saved.ThetaZero) = (Spatial, Positions, ThetaZero);
    }

    /// <summary>Adds w·K and w·Θ to the copy in slot <paramref name="slot"/>, which must track the same positions.</summary>
    public void Accumulate(int slot, double weight)
    {
        var saved = _snapshots[slot];
        if (saved.Spatial != Spatial || saved.Positions != Positions)
            throw new InvalidOperationException("branches of a block end with kernels over different positions");
        int n = Length;
        for (int e = 0; e < n; e++)
        {
            saved.K[e] += weight * K[e];
            saved.Theta[e] += weight * Theta[e];
        }
        saved.ThetaZero &= ThetaZero;
    }

    /// <summary>Makes the copy in slot <paramref name="slot"/> the current state.</summary>
    public void Restore(int slot)
    {
        var saved = _snapshots[slot];
        (Spatial, Positions, ThetaZero) = (saved.Spatial, saved.Positions, saved.ThetaZero);
        int n = Length;
        Array.Copy(saved.K, K, n);
        Array.Copy(saved.Theta, Theta, n);
    }

    /// <summary>Starts a run at a flat input kernel K⁰ with Θ⁰ = 0.</summary>
    public void StartFlat(double k0, double[] v1, int offset1, double[] v2, int offset2, bool self)
    {
        Start(v1, offset1, v2, offset2, self);
        Collapse(k0, 0);
    }

    /// <summary>Starts a run at a spatial input kernel over <paramref name="positions"/> positions, to be written into <see cref="K"/>; Θ⁰ = 0.</summary>
    public void StartSpatial(int positions, double[] v1, int offset1, double[] v2, int offset2, bool self)
    {
        Start(v1, offset1, v2, offset2, self);
        Spatial = true;
        Positions = positions;
        ThetaZero = true;
        Array.Clear(Theta, 0, Length);
    }

    private void Start(double[] v1, int offset1, double[] v2, int offset2, bool self)
    {
        (_v1, _o1, _v2, _o2, Self) = (v1, offset1, v2, offset2, self);
    }

    private sealed class Snapshot(double[] k, double[] theta)
    {
        public double[] K { get; } = k;

        public double[] Theta { get; } = theta;

        public bool Spatial { get; set; }

        public int Positions { get; set; }

        public bool ThetaZero { get; set; }
    }
}
