namespace LinearizationLab.Layers;

/// <summary>Padding of one spatial axis: positions added before and after, and the output length.</summary>
public readonly record struct SpatialPadding(int Before, int After, int OutputSize)
{
    /// <summary>
    /// The padding of a window of <paramref name="window"/> taps moved by <paramref name="stride"/> over <paramref name="size"/>
    /// positions, as JAX and neural-tangents pad convolutions and pooling: VALID adds nothing and has ⌊(n−k)/s⌋ + 1 outputs
    /// (0 when k &gt; n); SAME and CIRCULAR have ⌈n/s⌉ outputs and pad total = max((⌈n/s⌉−1)·s + k − n, 0), ⌊total/2⌋
    /// before and the rest after (an even window of stride 1 pads ⌊(k−1)/2⌋ before).
    /// </summary>
    public static SpatialPadding Of(Padding padding, int size, int window, int stride)
    {
        if (padding == Padding.Valid)
            return new SpatialPadding(0, 0, size >= window ? (size - window) / stride + 1 : 0);
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - size, 0);
        return new SpatialPadding(total / 2, total - total / 2, output);
    }

    /// <summary>
    /// The padding of every spatial axis of an input [C, ...] in torch's order for <c>nn.functional.pad</c>: last spatial
    /// axis first, a (before, after) pair per axis.
    /// </summary>
    public static long[] TorchPads(Padding padding, int[] inputShape, int[] window, int[] stride)
    {
        int rank = window.Length;
        var pads = new long[2 * rank];
        for (int axis = rank - 1, i = 0; axis >= 0; axis--, i += 2)
        {
            var p = Of(padding, inputShape[axis + 1], window[axis], stride[axis]);
            pads[i] = p.Before;
            pads[i + 1] = p.After;
        }

        return pads;
    }
}
