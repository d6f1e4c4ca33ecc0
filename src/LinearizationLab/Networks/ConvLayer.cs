using LinearizationLab.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// 1-D or 2-D convolution, channels first, z = m_W · (W ⋆ pad(a)) + m_b · b with W of shape
/// [C_out, C_in, k] or [C_out, C_in, kh, kw]. Padding amounts come from <see cref="ConvSpec.PaddingFor"/>.
/// </summary>
public sealed class ConvLayer : AffineLayer
{
    private readonly ConvSpec _spec;

    /// <summary>Builds the layer for an input [C, L] or [C, H, W].</summary>
    public ConvLayer(ConvSpec spec, Parameterization parameterization, int[] inputShape)
        : base(spec, parameterization, inputShape)
    {
        _spec = spec;
        // torch's pad lists the last axis first: [left, right] or [left, right, top, bottom].
        var pads = new List<long>();
        for (int axis = spec.SpatialRank - 1; axis >= 0; axis--)
        {
            var p = spec.PaddingFor(axis, inputShape[axis + 1]);
            pads.Add(p.Before);
            pads.Add(p.After);
        }
        Pads = pads.ToArray();
    }

    /// <summary>The conv's spec (kernel, stride, padding).</summary>
    public ConvSpec Spec => _spec;

    /// <summary>Padding in torch's order (last spatial axis first, before/after pairs).</summary>
    public long[] Pads { get; }

    /// <inheritdoc/>
    public override long[] WeightShape => [_spec.Channels, InputShape[0], .. _spec.Kernel.Select(k => (long)k)];

    /// <inheritdoc/>
    public override long[] BiasShape => [_spec.Channels];

    /// <summary>The input after SAME (zeros) or CIRCULAR (wrap-around) padding; VALID returns it unchanged.</summary>
    public Tensor Pad(Tensor input)
    {
        if (Pads.All(p => p == 0)) return input;
        var mode = _spec.Padding == Architecture.Padding.Circular ? PaddingModes.Circular : PaddingModes.Constant;
        return nn.functional.pad(input, Pads, mode);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset)
    {
        var w = parameters[offset].Scaled(WeightMultiplier);
        var b = parameters[offset + 1].Scaled(BiasMultiplier);
        var padded = Pad(input);
        long[] stride = _spec.Stride.Select(s => (long)s).ToArray();
        return _spec.SpatialRank == 1
            ? nn.functional.conv1d(padded, w, b, stride: stride[0])
            : nn.functional.conv2d(padded, w, b, strides: stride);
    }
}
