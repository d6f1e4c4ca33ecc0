using LinearizationLab.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Convolution over [C,L] (1-D) or [C,H,W] (2-D) inputs, channels first, no dilation (neural-tangents <c>stax.Conv</c>):
/// z = m_W · (W ⋆ pad(a)) + m_b · b with W of shape [C_out, C_in, k] or [C_out, C_in, kh, kw]; fan_in = C_in·|filter|.
/// SAME/CIRCULAR pad as JAX/neural-tangents do: total = max((⌈n/s⌉−1)·s + k − n, 0), ⌊total/2⌋ before and the rest after.
/// Kernel: K ← w²·A(K) + b², Θ ← K_new + w²·A(Θ) with A the patch average (<see cref="PatchAverage"/>).
/// </summary>
[LayerOrder(1)]
public sealed record ConvLayer(int Channels, int[] Kernel, int[] Stride, Padding Padding, double WStd, double BStd)
    : AffineLayer(WStd, BStd), ILayerKind
{
    /// <summary>arch.json: <c>{"type": "conv", "channels": n, "kernel": [kh, kw] or [k], "stride": [sh, sw] or s, "padding": "same" | "valid" | "circular", "w_std", "b_std"}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("conv", Read)];

    private static ConvLayer Read(JsonSection l)
    {
        int channels = l.Int("channels", min: 1);
        int[] kernel = l.IntArray("kernel", min: 1) ?? throw l.Error("kernel", "is required");
        if (kernel.Length is < 1 or > 2) throw l.Error("kernel", "must be [k] (1-D) or [kh,kw] (2-D)");
        int[] stride = l.IntArray("stride", min: 1) ?? Enumerable.Repeat(1, kernel.Length).ToArray();
        if (stride.Length == 1 && kernel.Length == 2) stride = [stride[0], stride[0]];
        if (stride.Length != kernel.Length) throw l.Error("stride", $"must have {kernel.Length} entries like kernel");
        var padding = l.String("padding", "valid", "same", "valid", "circular") switch
        {
            "same" => Padding.Same,
            "circular" => Padding.Circular,
            _ => Padding.Valid,
        };
        return new ConvLayer(channels, kernel, stride, padding, ReadWStd(l), ReadBStd(l));
    }

    /// <inheritdoc/>
    public override string TypeName => "conv";

    /// <inheritdoc/>
    public override int Units => Channels;

    /// <inheritdoc/>
    public override Layer WithWidth(int width) => this with { Channels = width };

    /// <summary>Number of spatial axes (1 or 2).</summary>
    public int SpatialRank => Kernel.Length;

    /// <summary>|filter| = product of the kernel sizes.</summary>
    public int FilterSize => Product(Kernel);

    /// <inheritdoc/>
    public override int FanIn(int[] input) => input[0] * FilterSize;

    /// <inheritdoc/>
    public override long[] WeightShape(int[] input) => [Channels, input[0], .. Kernel.Select(k => (long)k)];

    /// <summary>Padding and output length of spatial axis <paramref name="axis"/> for an input of <paramref name="size"/> positions.</summary>
    public SpatialPadding PaddingFor(int axis, int size) => SpatialPadding.Of(Padding, size, Kernel[axis], Stride[axis]);

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

    /// <summary>Padding in torch's order for an input [C, ...] (last spatial axis first, before/after pairs).</summary>
    public long[] TorchPads(int[] inputShape) => SpatialPadding.TorchPads(Padding, inputShape, Kernel, Stride);

    /// <summary>The input after SAME (zeros) or CIRCULAR (wrap-around) padding; VALID returns it unchanged.</summary>
    public Tensor Pad(LayerContext context, Tensor input)
    {
        var pads = TorchPads(context.InputShape);
        if (pads.All(p => p == 0)) return input;
        var mode = Padding == Padding.Circular ? PaddingModes.Circular : PaddingModes.Constant;
        return nn.functional.pad(input, pads, mode);
    }

    /// <inheritdoc/>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset)
    {
        var s = Scaling(context);
        var w = parameters[offset].Scaled(s.WeightMultiplier);
        var b = parameters[offset + 1].Scaled(s.BiasMultiplier);
        var padded = Pad(context, input);
        long[] stride = Stride.Select(x => (long)x).ToArray();
        return SpatialRank == 1
            ? nn.functional.conv1d(padded, w, b, stride: stride[0])
            : nn.functional.conv2d(padded, w, b, strides: stride);
    }

    /// <summary>K ← w²·A(K) + b², Θ ← m_W²·fan_in·A(K) + m_b² + w²·A(Θ), over the diagonal or the full block of positions.</summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        plan.OpenGain = false;
        var s = Scaling(context);
        var patch = new PatchAverage(Kernel, Stride, Padding, context.InputShape);
        plan.RequirePositions(patch.OutputPositions);
        return state =>
        {
            bool full = state.Full;
            int length = state.Length, po = patch.OutputPositions;
            int outLength = full ? po * po : po;
            double[] k = state.K, kNext = state.KNext, theta = state.Theta, thetaNext = state.ThetaNext;
            if (full) patch.ApplyFull(k.AsSpan(0, length), kNext.AsSpan(0, outLength));
            else patch.ApplyDiagonal(k.AsSpan(0, length), kNext.AsSpan(0, outLength));
            if (state.ThetaZero || state.Self) Array.Clear(thetaNext, 0, outLength);
            else if (full) patch.ApplyFull(theta.AsSpan(0, length), thetaNext.AsSpan(0, outLength));
            else patch.ApplyDiagonal(theta.AsSpan(0, length), thetaNext.AsSpan(0, outLength));
            for (int e = 0; e < outLength; e++)
                (kNext[e], thetaNext[e]) = s.Kernel(kNext[e], thetaNext[e]);
            state.SwapBuffers();
            state.Positions = po;
            state.ThetaZero = false;
        };
    }

    /// <summary>
    /// Per-example, per-output weight gradients m_W·Σ_p Δ_ik[:, p] ⊗ patch_i[p] from the unfolded padded input
    /// (patches at the layer's stride), contracted as G1 G2ᵀ; bias term m_b²·Σ_c (Σ_p Δ_ik[c,p])(Σ_p Δ_jk'[c,p]).
    /// </summary>
    public override Tensor StructuredNtkTerm(LayerContext context, Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true)
    {
        var s = Scaling(context);
        var (g1, s1) = Gradients(context, a1, d1, outputs);
        var (g2, s2) = ReferenceEquals(a1, a2) && ReferenceEquals(d1, d2) ? (g1, s1) : Gradients(context, a2, d2, outputs);
        double mw2 = s.WeightMultiplier * s.WeightMultiplier, mb2 = s.BiasMultiplier * s.BiasMultiplier;
        var weights = g1.matmul(g2.transpose(0, 1)).Scaled(mw2);
        return bias ? weights + s1.matmul(s2.transpose(0, 1)).Scaled(mb2) : weights;
    }

    /// <summary>Σ_p Δ[c,p]·patch[p] as [N·O, C_out·C_in·|filter|] and Σ_p Δ[c,p] as [N·O, C_out].</summary>
    private (Tensor Weight, Tensor Bias) Gradients(LayerContext context, Tensor a, Tensor delta, int outputs)
    {
        long n = a.shape[0];
        long cout = delta.shape[2];
        var patches = Patches(Pad(context, a));                 // [N, C_in·|filter|, P]
        var d = delta.reshape(n, outputs * cout, -1);           // [N, O·C_out, P]
        var weight = d.bmm(patches.transpose(1, 2)).reshape(n * outputs, -1);
        var bias = d.sum(-1).reshape(n * outputs, cout);
        return (weight, bias);
    }

    /// <summary>Patches of a padded input at the conv's stride, [N, C_in·k(h)·(kw), P] in W's (C_in, kh, kw) order.</summary>
    private Tensor Patches(Tensor padded)
    {
        var k = Kernel;
        var s = Stride;
        long n = padded.shape[0], cin = padded.shape[1];
        if (k.Length == 1)
            return padded.unfold(2, k[0], s[0]).permute(0, 1, 3, 2).reshape(n, cin * k[0], -1);
        return padded.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])
            .permute(0, 1, 4, 5, 2, 3).reshape(n, cin * k[0] * k[1], -1);
    }
}
