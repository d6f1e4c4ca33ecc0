
namespace LinearizationLab.Layers;

/// <summary>
/// The position map of a convolution for kernels over positions: A(K)(p', q') = (1/|filter|)·Σ_t K(in(p',t), in(q',t)),
/// the same filter tap t on both sides (weights shared across positions, independent across taps), with
/// in(p',t) = stride·p' + t − pad_before per axis; zero-padded taps (SAME) contribute 0 but still count in
/// |filter| (docs/KERNEL-CONVENTIONS.md, a trap), CIRCULAR taps wrap around. Positions are flattened row-major (H then W).
/// </summary>
internal sealed class PatchAverage
{
    private readonly int[] _taps; // [outputPosition * FilterSize + tap] → input position, or −1 on zero padding

    public PatchAverage(ConvLayer conv, int[] inputShape)
    {
        int rank = conv.SpatialRank;
        InputPositions = 1;
        OutputPositions = 1;
        var maps = new int[rank][,];
        var outSizes = new int[rank];
        var inSizes = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            int n = inputShape[a + 1], k = conv.Kernel[a], s = conv.Stride[a];
            var pad = conv.PaddingFor(a, n);
            inSizes[a] = n;
            outSizes[a] = pad.OutputSize;
            maps[a] = new int[pad.OutputSize, k];
            for (int o = 0; o < pad.OutputSize; o++)
            {
                for (int t = 0; t < k; t++)
                {
                    int i = o * s + t - pad.Before;
                    if (conv.Padding == Padding.Circular) i = ((i % n) + n) % n;
                    maps[a][o, t] = i >= 0 && i < n ? i : -1;
                }
            }

            InputPositions *= n;
            OutputPositions *= pad.OutputSize;
        }

        FilterSize = conv.FilterSize;
        _taps = new int[OutputPositions * FilterSize];
        var outIndex = new int[rank];
        var tapIndex = new int[rank];
        for (int o = 0; o < OutputPositions; o++)
        {
            Unflatten(o, outSizes, outIndex);
            for (int t = 0; t < FilterSize; t++)
            {
                Unflatten(t, conv.Kernel, tapIndex);
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

    private static void Unflatten(int index, int[] sizes, int[] result)
    {
        for (int a = sizes.Length - 1; a >= 0; a--)
        {
            result[a] = index % sizes[a];
            index /= sizes[a];
        }
    }
}
