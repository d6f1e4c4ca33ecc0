namespace LinearizationLab.Architecture;

/// <summary>
/// Convolution over [C,L] (1-D) or [C,H,W] (2-D) inputs, channels first, no dilation.
/// fan_in = C_in·|filter|. SAME/CIRCULAR pad as JAX/neural-tangents do:
/// total = max((⌈n/s⌉−1)·s + k − n, 0), ⌊total/2⌋ before and the rest after.
/// </summary>
public sealed record ConvSpec(int Channels, int[] Kernel, int[] Stride, Padding Padding, double WStd, double BStd)
    : AffineLayerSpec(WStd, BStd)
{
    /// <inheritdoc/>
    public override string TypeName => "conv";

    /// <summary>Number of spatial axes (1 or 2).</summary>
    public int SpatialRank => Kernel.Length;

    /// <summary>|filter| = product of the kernel sizes.</summary>
    public int FilterSize => Kernel.Aggregate(1, (a, k) => a * k);

    /// <inheritdoc/>
    public override int FanIn(int[] input) => input[0] * FilterSize;

    /// <summary>Padding and output length of spatial axis <paramref name="axis"/> for an input of <paramref name="size"/> positions.</summary>
    public SpatialPadding PaddingFor(int axis, int size)
    {
        int k = Kernel[axis], s = Stride[axis];
        if (Padding == Padding.Valid)
            return new SpatialPadding(0, 0, size >= k ? (size - k) / s + 1 : 0);
        int output = (size + s - 1) / s;
        int total = Math.Max((output - 1) * s + k - size, 0);
        return new SpatialPadding(total / 2, total - total / 2, output);
    }

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input.Length != SpatialRank + 1)
            throw new ArgumentException($"a {SpatialRank}-D conv needs input [C,{(SpatialRank == 1 ? "L" : "H,W")}] but gets [{string.Join(",", input)}]");
        var output = new int[input.Length];
        output[0] = Channels;
        for (int a = 0; a < SpatialRank; a++)
        {
            var p = PaddingFor(a, input[a + 1]);
            if (p.OutputSize < 1)
                throw new ArgumentException($"kernel {Kernel[a]} is larger than the input ({input[a + 1]} positions) with valid padding");
            if (Padding == Padding.Circular && Math.Max(p.Before, p.After) > input[a + 1])
                throw new ArgumentException($"circular padding of {Math.Max(p.Before, p.After)} exceeds the input size {input[a + 1]}");
            output[a + 1] = p.OutputSize;
        }
        return output;
    }
}
