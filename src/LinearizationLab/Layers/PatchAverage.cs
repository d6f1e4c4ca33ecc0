using System.Buffers;

namespace LinearizationLab.Layers;

/// <summary>
/// The position maps of a window moved over the positions (a convolution's filter, a pooling window) for kernels over
/// positions. Tap t of output position p' reads input position in(p',t) = stride·p' + t − pad_before per axis; zero-padded
/// taps (SAME) contribute 0 but still count in |window| (docs/KERNEL-CONVENTIONS.md, a trap), CIRCULAR taps wrap around.
/// A convolution pairs the same tap on both sides (weights shared across positions, independent across taps):
/// A(K)(p', q') = (1/|window|)·Σ_t K(in(p',t), in(q',t)); average pooling pairs every tap with every tap:
/// P(K)(p', q') = (1/|window|²)·Σ_t Σ_u K(in(p',t), in(q',u)). Positions are flattened row-major (H then W).
/// </summary>
internal sealed class PatchAverage
{
    private readonly int[] _taps; // [outputPosition * FilterSize + tap] → input position, or −1 on zero padding

    /// <summary>The map of a window of shape <paramref name="window"/> moved by <paramref name="stride"/> over an input [C, ...] of <paramref name="inputShape"/>.</summary>
    public PatchAverage(int[] window, int[] stride, Padding padding, int[] inputShape)
    {
        int rank = window.Length;
        InputPositions = 1;
        OutputPositions = 1;
        var maps = new int[rank][,];
        var outSizes = new int[rank];
        var inSizes = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            int n = inputShape[a + 1], k = window[a], s = stride[a];
            var pad = SpatialPadding.Of(padding, n, k, s);
            inSizes[a] = n;
            outSizes[a] = pad.OutputSize;
            maps[a] = new int[pad.OutputSize, k];
            for (int o = 0; o < pad.OutputSize; o++)
            {
                for (int t = 0; t < k; t++)
                {
                    int i = o * s + t - pad.Before;
                    if (padding == Padding.Circular) i = ((i % n) + n) % n;
                    maps[a][o, t] = i >= 0 && i < n ? i : -1;
                }
            }

            InputPositions *= n;
            OutputPositions *= pad.OutputSize;
        }

        FilterSize = window.Aggregate(1, (product, k) => product * k);
        _taps = new int[OutputPositions * FilterSize];
        var outIndex = new int[rank];
        var tapIndex = new int[rank];
        for (int o = 0; o < OutputPositions; o++)
        {
            Unflatten(o, outSizes, outIndex);
            for (int t = 0; t < FilterSize; t++)
            {
                Unflatten(t, window, tapIndex);
                int position = 0;
                for (int a = 0; a < rank; a++)
                {
                    int i = maps[a][outIndex[a], tapIndex[a]];
                    if (i < 0)
                    {
                        position = -1;
                        break;
                    }

                    position = position * inSizes[a] + i;
                }

                _taps[o * FilterSize + t] = position;
            }
        }
    }

    public int InputPositions { get; }

    public int OutputPositions { get; }

    public int FilterSize { get; }

    /// <summary>Full spatial covariance: <paramref name="input"/> is P×P (row p, column q), <paramref name="output"/> P'×P'.</summary>
    public void ApplyFull(ReadOnlySpan<double> input, Span<double> output)
    {
        int p = InputPositions, po = OutputPositions, f = FilterSize;
        double scale = 1.0 / f;
        for (int o1 = 0; o1 < po; o1++)
        {
            ReadOnlySpan<int> taps1 = _taps.AsSpan(o1 * f, f);
            for (int o2 = 0; o2 < po; o2++)
            {
                ReadOnlySpan<int> taps2 = _taps.AsSpan(o2 * f, f);
                double sum = 0;
                for (int t = 0; t < f; t++)
                {
                    int i1 = taps1[t], i2 = taps2[t];
                    if (i1 >= 0 && i2 >= 0) sum += input[i1 * p + i2];
                }

                output[o1 * po + o2] = sum * scale;
            }
        }
    }

    /// <summary>Spatial diagonal only: <paramref name="input"/> holds K(p, p), <paramref name="output"/> K'(p', p').</summary>
    public void ApplyDiagonal(ReadOnlySpan<double> input, Span<double> output)
    {
        int po = OutputPositions, f = FilterSize;
        double scale = 1.0 / f;
        for (int o = 0; o < po; o++)
        {
            double sum = 0;
            for (int t = 0; t < f; t++)
            {
                int i = _taps[o * f + t];
                if (i >= 0) sum += input[i];
            }

            output[o] = sum * scale;
        }
    }

    /// <summary>
    /// Average pooling of a full spatial covariance, P(K) = (1/|window|²)·Σ_t Σ_u K(in(p',t), in(q',u)):
    /// <paramref name="input"/> is P×P, <paramref name="output"/> P'×P'. Each output row first sums the input rows of its
    /// taps (P·|window| operations), then reads the column taps from that sum (P'·|window|), instead of P'·|window|² per entry.
    /// </summary>
    public void ApplyPoolFull(ReadOnlySpan<double> input, Span<double> output)
    {
        int p = InputPositions, po = OutputPositions, f = FilterSize;
        double scale = 1.0 / ((double)f * f);
        double[] rented = ArrayPool<double>.Shared.Rent(p);
        try
        {
            var rows = rented.AsSpan(0, p);
            for (int o1 = 0; o1 < po; o1++)
            {
                rows.Clear();
                foreach (int i1 in _taps.AsSpan(o1 * f, f))
                {
                    if (i1 < 0) continue;
                    ReadOnlySpan<double> row = input.Slice(i1 * p, p);
                    for (int q = 0; q < p; q++) rows[q] += row[q];
                }

                for (int o2 = 0; o2 < po; o2++)
                {
                    double sum = 0;
                    foreach (int i2 in _taps.AsSpan(o2 * f, f))
                        if (i2 >= 0) sum += rows[i2];
                    output[o1 * po + o2] = sum * scale;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static void Unflatten(int index, int[] sizes, int[] result)
    {
        for (int a = sizes.Length - 1; a >= 0; a--)
        {
            result[a] = index % sizes[a];
            index /= sizes[a];
        }
    }
}
