namespace LinearizationLab.Data;

/// <summary>
/// One-hot regression targets for classification: <see cref="High"/> at the label's position and
/// <see cref="Low"/> elsewhere, e.g. (0, 1), or (−0.1, 0.9) for the centred targets of Lee et al. (2019).
/// </summary>
public readonly record struct OneHotTargets(double Low, double High)
{
    /// <summary>The usual (0, 1) encoding.</summary>
    public static OneHotTargets Standard => new(0.0, 1.0);

    /// <summary>The targets, N × <paramref name="classCount"/> row-major, for the given labels.</summary>
    public double[] Encode(IReadOnlyList<int> labels, int classCount)
    {
        var y = new double[labels.Count * classCount];
        Array.Fill(y, Low);
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {labels[i]} of example {i} is outside 0..{classCount - 1}");
            y[i * classCount + labels[i]] = High;
        }
        return y;
    }
}
