using LinearizationLab.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Average pooling over windows of [C,L] (1-D) or [C,H,W] (2-D) inputs, channels first (neural-tangents <c>stax.AvgPool</c> with
/// its default normalize_edges = False): each output is the sum over its window divided by |window| = kh·kw, also at SAME
/// edges where some taps fall on the zero padding. SAME pads like <see cref="ConvLayer"/> (⌊total/2⌋ before, the rest after).
/// The stride defaults to the window (PyTorch's default; neural-tangents' is 1). Linear and parameter-free, so the default
/// <see cref="Layer.Jvp"/> and <see cref="Layer.Jet"/> apply. Kernel: K′(p′, q′) = (1/|window|²)·Σ_{p∈W(p′)} Σ_{q∈W(q′)} K(p, q),
/// the same for Θ, which needs the full covariance over position pairs.
/// </summary>
[LayerOrder(5)]
public sealed record AvgPoolLayer(int[] Window, int[] Stride, Padding Padding) : Layer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "avg_pool", "window": [kh, kw] or [k], "stride": [sh, sw] or s (default: the window), "padding": "valid" | "same"}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("avg_pool", Read)];

    private static AvgPoolLayer Read(JsonSection l)
    {
        int[] window = l.IntArray("window", min: 1) ?? throw l.Error("window", "is required");
        if (window.Length is < 1 or > 2) throw l.Error("window", "must be [k] (1-D) or [kh,kw] (2-D)");
        int[] stride = l.IntArray("stride", min: 1) ?? (int[])window.Clone();
        if (stride.Length == 1 && window.Length == 2) stride = [stride[0], stride[0]];
        if (stride.Length != window.Length) throw l.Error("stride", $"must have {window.Length} entries like window");
        var padding = l.String("padding", "valid", "same", "valid") == "same" ? Padding.Same : Padding.Valid;
        return new AvgPoolLayer(window, stride, padding);
    }

    /// <inheritdoc/>
    public override string TypeName => "avg_pool";

    /// <summary>Number of spatial axes (1 or 2).</summary>
    public int SpatialRank => Window.Length;

    /// <summary>|window| = product of the window sizes, the divisor of every output.</summary>
    public int WindowSize => Product(Window);

    /// <inheritdoc/>
    public override bool NeedsFullSpatialCovariance => true;

    /// <inheritdoc/>
    public override bool IsLinearWithoutParameters => true;

    /// <summary>Padding and output length of spatial axis <paramref name="axis"/> for an input of <paramref name="size"/> positions.</summary>
    public SpatialPadding PaddingFor(int axis, int size) => SpatialPadding.Of(Padding, size, Window[axis], Stride[axis]);

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        string shape = $"[{string.Join(",", input)}]";
        if (input.Length < 2)
            throw new ArgumentException($"avg_pool needs spatial axes [C,L] or [C,H,W] but gets the flat input {shape}");
        if (input.Length != SpatialRank + 1)
            throw new ArgumentException($"a {SpatialRank}-D avg_pool (window [{string.Join(",", Window)}]) needs input [C,{(SpatialRank == 1 ? "L" : "H,W")}] but gets {shape}");
        var output = new int[input.Length];
        output[0] = input[0];
        for (int a = 0; a < SpatialRank; a++)
        {
            var p = PaddingFor(a, input[a + 1]);
            if (p.OutputSize < 1)
                throw new ArgumentException($"window {Window[a]} is larger than the input ({input[a + 1]} positions) with valid padding");
            output[a + 1] = p.OutputSize;
        }

        return output;
    }

    /// <summary>
    /// torch's avg_pool with count_include_pad, so padded taps count in the divisor. Symmetric SAME padding is torch's own;
    /// uneven padding (an even window: less before than after) is added with zeros first.
    /// </summary>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset)
    {
        var pads = SpatialPadding.TorchPads(Padding, context.InputShape, Window, Stride);
        bool symmetric = Enumerable.Range(0, SpatialRank).All(a => pads[2 * a] == pads[2 * a + 1]);
        long[] padding = new long[SpatialRank];
        if (symmetric)
        {
            for (int axis = 0; axis < SpatialRank; axis++) padding[axis] = pads[2 * (SpatialRank - 1 - axis)];
        }
        else
        {
            input = nn.functional.pad(input, pads, PaddingModes.Constant);
        }

        long[] window = Window.Select(k => (long)k).ToArray();
        long[] stride = Stride.Select(s => (long)s).ToArray();
        return SpatialRank == 1
            ? nn.functional.avg_pool1d(input, window[0], stride[0], padding[0], count_include_pad: true)
            : nn.functional.avg_pool2d(input, window, stride, padding, count_include_pad: true);
    }

    /// <summary>K ← P(K), Θ ← P(Θ) over the full block of position pairs (<see cref="PatchAverage.ApplyPoolFull"/>).</summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        if (!plan.FullSpatial)
            throw new ArgumentException("avg_pool needs a kernel plan that tracks the full spatial covariance");
        var pool = new PatchAverage(Window, Stride, Padding, context.InputShape);
        plan.RequirePositions(pool.OutputPositions);
        return state =>
        {
            int length = state.Length, outLength = pool.OutputPositions * pool.OutputPositions;
            pool.ApplyPoolFull(state.K.AsSpan(0, length), state.KNext.AsSpan(0, outLength));
            if (state.ThetaZero || state.Self) Array.Clear(state.ThetaNext, 0, outLength);
            else pool.ApplyPoolFull(state.Theta.AsSpan(0, length), state.ThetaNext.AsSpan(0, outLength));
            state.SwapBuffers();
            state.Positions = pool.OutputPositions;
        };
    }
}
