namespace LinearizationLab.Layers;

/// <summary>
/// What the infinite-width recursion of one network needs, gathered while its layers compile their <see cref="KernelStep"/>s:
/// the length of the per-pair work buffers and the slots of stored pre-activation variances (one per activation layer and position).
/// </summary>
public sealed class KernelPlan
{
    /// <summary>A plan for a network whose input has <paramref name="inputPositions"/> positions (1 for flat inputs).</summary>
    public KernelPlan(bool fullSpatial, bool spatialInput, int inputPositions)
    {
        FullSpatial = fullSpatial;
        BufferSize = spatialInput ? BufferLength(inputPositions) : 1;
    }

    /// <summary>
    /// Whether activations may read their Gaussian integrals from tables (<see cref="Activation.TabulatedTransform"/>): set for
    /// kernels with enough entries that building a table per layer pays off.
    /// </summary>
    public bool Tabulate { get; init; }

    /// <summary>True when the full covariance over position pairs is tracked (some layer needs it), the diagonal otherwise.</summary>
    public bool FullSpatial { get; }

    /// <summary>Length of each work buffer of a <see cref="KernelState"/>.</summary>
    public int BufferSize { get; private set; }

    /// <summary>Number of stored pre-activation variances per example.</summary>
    public int VarianceLength { get; private set; }

    /// <summary>Number of saved copies of the state a pair's recursion needs (two per block that runs branches).</summary>
    public int SnapshotCount { get; private set; }

    /// <summary>Reserves a slot for a saved copy of the state (<see cref="KernelState.Save"/>) and returns it.</summary>
    public int ReserveSnapshot() => SnapshotCount++;

    /// <summary>
    /// Set while compiling after a per-unit gain (<see cref="ChannelAffineLayer"/>) that no dense or conv layer has read yet:
    /// its NTK term x_c·x′_c belongs to each unit alone and is correlated with that unit's value, so an elementwise nonlinearity
    /// after it cannot use the rule Θ ← K̇·Θ, which assumes Θ is the same for every unit (a normalization, which scales all units
    /// alike, can). Activations refuse (<see cref="RequireNoOpenGain"/>).
    /// </summary>
    public bool OpenGain { get; set; }

    /// <summary>Throws <see cref="NotSupportedException"/> for the nonlinear layer <paramref name="layer"/> while <see cref="OpenGain"/> is set.</summary>
    public void RequireNoOpenGain(string layer)
    {
        if (OpenGain)
            throw new NotSupportedException($"the infinite-width kernel of {layer} directly after a learned gain (channel_affine, or layer_norm with " +
                "\"affine\": true) is not implemented: the gain's NTK term is correlated with each unit's value; put a dense or conv layer in between");
    }

    /// <summary>Makes the work buffers hold a kernel over <paramref name="positions"/> positions.</summary>
    public void RequirePositions(int positions) => BufferSize = Math.Max(BufferSize, BufferLength(positions));

    /// <summary>Reserves <paramref name="count"/> variance slots and returns the first.</summary>
    public int ReserveVariances(int count)
    {
        int slot = VarianceLength;
        VarianceLength += count;
        return slot;
    }

    private int BufferLength(int positions) => FullSpatial ? positions * positions : positions;
}
