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

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>
    /// False: a network with convolutions trains through autograd, whose libtorch convolutions beat these im2col passes in a
    /// training step at every size measured. cnn-fashion's net (two 3×3 convs, 40 images of 14×14, float64), alternating in
    /// one process: 38–44 against 53–55 ms a step at 128 channels, 15–17 against 22–27 ms at 64, 6–7 against 11–18 ms at 32;
    /// and 16.5 against 24.0 s for 128 channels on 256 MNIST images in float32 (<c>cnn-step</c>). The passes still serve the
    /// linearization's tangents, the Taylor jets and the hierarchy.
    /// </summary>
    public override bool TrainsByHand => false;

    /// <summary>
    /// z = m_W·W⋆pad(a) + m_b·b as im2col and one GEMM: the patches of pad(a) as rows R [N·P, C_in·|filter|] (example, then
    /// output position), Z = m_W·R·Wᵀ + m_b·b by the dense layer's pass (<see cref="PatchRows"/>), then Z back to channels first.
    /// </summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        var rows = PatchRowsInto(context, input, buffers);
        var z = PatchRows.ForwardInto(RowContext(context), rows, WeightMatrices(parameters, offset), offset, buffers.Child(0));
        return ChannelsFirst(context, z, input.shape[0], buffers);
    }

    /// <summary>
    /// With G = δ as rows [N·P, C_out]: ∂L/∂W = m_W·Gᵀ·R (fused into the sink), ∂L/∂b = m_b·Σ G, and ∂L/∂a the adjoint of im2col
    /// (col2im: each patch entry of m_W·G·W added back to the position it was read from) and of the padding.
    /// </summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        var rowGradient = PatchRows.Backprop(RowContext(context), StoredPatchRows(buffers), RowsOf(outputGradient, buffers),
            WeightMatrices(parameters, offset), offset, buffers.Child(0), needInputGradient, sink);
        return rowGradient is null ? null : InputGradient(context, rowGradient, input.shape, buffers);
    }

    /// <summary>ż = m_W·(Ẇ⋆pad(a) + W⋆pad(ȧ)) + m_b·ḃ, with the patches of a kept from the forward pass.</summary>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        var rowTangent = inputTangent is null ? null : PatchRowsInto(context, inputTangent, tangentBuffers);
        var z = PatchRows.TangentInto(RowContext(context), StoredPatchRows(pointBuffers), rowTangent,
            WeightMatrices(parameters, offset), WeightMatrices(parameterTangents, offset), offset, pointBuffers.Child(0), tangentBuffers.Child(0));
        return ChannelsFirst(context, z!, input.shape[0], tangentBuffers);
    }

    /// <summary>The dense layer's jet on the stacked patch rows: im2col keeps the blocks of examples, so block j of R is a_j's patches.</summary>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint)
    {
        var rows = PatchRowsInto(context, input, buffers);
        var z = PatchRows.JetInto(RowContext(context), rows, order, WeightMatrices(parameters, offset), WeightMatrices(displacement, offset),
            offset, buffers.Child(0), newPoint);
        return ChannelsFirst(context, z, input.shape[0], buffers);
    }

    /// <summary>The dense layer's reverse jet on the stacked patch rows, then col2im of blocks 1…k.</summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        var rowGradient = PatchRows.JetBackprop(RowContext(context), StoredPatchRows(buffers), RowsOf(outputGradient, buffers), order,
            WeightMatrices(parameters, offset), WeightMatrices(displacement, offset), offset, buffers.Child(0), needInputGradient, sink);
        if (rowGradient is null) return null;
        long n = input.shape[0] / (order + 1), rowsPerBlock = rowGradient.shape[0] / (order + 1);
        var gradient = buffers.InputGradient(input.shape, input);
        InputGradient(context, rowGradient.narrow(0, rowsPerBlock, order * rowsPerBlock), gradient.narrow(0, n, order * n));
        return gradient;
    }

    private const string PatchesName = "patches", PaddedName = "padded", RowGradientName = "output gradient rows";

    /// <summary>The conv on patch rows: a dense layer of the same width, w_std and b_std whose fan-in C_in·|filter| is the conv's, so its multipliers are the conv's.</summary>
    private DenseLayer PatchRows => new(Channels, WStd, BStd) { Abc = Abc };

    private LayerContext RowContext(LayerContext context) => new(context.Parameterization, [FanIn(context.InputShape)]);

    /// <summary><paramref name="parameters"/> with W at <paramref name="offset"/> viewed as the matrix [C_out, C_in·|filter|] of the patch rows.</summary>
    private static IReadOnlyList<Tensor> WeightMatrices(IReadOnlyList<Tensor> parameters, int offset)
    {
        var matrices = parameters.ToArray();
        matrices[offset] = parameters[offset].view(parameters[offset].shape[0], -1);
        return matrices;
    }

    /// <summary>The patches of pad(<paramref name="input"/>) as rows R [N·P, C_in·|filter|] in W's (C_in, kh, kw) order (a transposed view of a buffer of <paramref name="buffers"/>).</summary>
    private Tensor PatchRowsInto(LayerContext context, Tensor input, LayerBuffers buffers)
    {
        var padded = PadInto(context, input, buffers);
        var windows = Windows(padded);
        long n = input.shape[0], positions = Product(OutputShape(context.InputShape).Skip(1));
        // Stored as the columns Rᵀ [C_in·|filter|, N·P]: [N, C_in, (H_o, W_o), (kh, kw)] → [C_in, (kh, kw), N, (H_o, W_o)] copies
        // runs of output positions, many times faster than gathering the few taps of one patch into a row; the GEMMs take Rᵀ transposed.
        var columns = buffers.Named(PatchesName, [FanIn(context.InputShape), n * positions], input);
        var order = SpatialRank == 1 ? new long[] { 1, 3, 0, 2 } : [1, 4, 5, 0, 2, 3];
        columns.view(windows.permute(order).shape).copy_(windows.permute(order));
        return columns.t();
    }

    /// <summary>The patch rows R of the last <see cref="PatchRowsInto"/> with <paramref name="buffers"/>.</summary>
    private static Tensor StoredPatchRows(LayerBuffers buffers) => buffers.StoredNamed(PatchesName).t();

    /// <summary>δ [N, C_out, ...] as rows [N·P, C_out] (example, then position), the layout of the row map's output.</summary>
    private Tensor RowsOf(Tensor outputGradient, LayerBuffers buffers)
    {
        long n = outputGradient.shape[0], channels = outputGradient.shape[1];
        var flat = outputGradient.reshape(n, channels, -1);
        var rows = buffers.Named(RowGradientName, [n * flat.shape[2], channels], outputGradient);
        rows.view(n, flat.shape[2], channels).copy_(flat.permute(0, 2, 1));
        return rows;
    }

    /// <summary>The row map's output [N·P, C_out] as z [N, C_out, ...] in the output buffer.</summary>
    private Tensor ChannelsFirst(LayerContext context, Tensor rows, long n, LayerBuffers buffers)
    {
        var shape = OutputShape(context.InputShape);
        var z = buffers.Output([n, .. shape.Select(d => (long)d)], rows);
        z.view(n, Channels, -1).copy_(rows.view(n, -1, Channels).permute(0, 2, 1));
        return z;
    }

    /// <summary>∂L/∂a from ∂L/∂R by col2im and the padding's adjoint, into the input-gradient buffer.</summary>
    private Tensor InputGradient(LayerContext context, Tensor rowGradient, long[] inputShape, LayerBuffers buffers)
    {
        var gradient = buffers.InputGradient(inputShape, rowGradient);
        InputGradient(context, rowGradient, gradient);
        return gradient;
    }

    /// <summary>
    /// col2im: ∂L/∂pad(a) = Σ over the patches that read a position of their row gradient there (<c>fold</c>, 1-D as a 2-D of one row),
    /// then the adjoint of the padding into <paramref name="gradient"/> [n, C_in, ...].
    /// </summary>
    private void InputGradient(LayerContext context, Tensor rowGradient, Tensor gradient)
    {
        using var scope = NewDisposeScope();
        long n = gradient.shape[0];
        var pads = TorchPads(context.InputShape);
        long[] padded = Enumerable.Range(0, SpatialRank)
            .Select(a => (long)context.InputShape[a + 1] + pads[2 * (SpatialRank - 1 - a)] + pads[2 * (SpatialRank - 1 - a) + 1]).ToArray();
        var columns = rowGradient.view(n, -1, FanIn(context.InputShape)).permute(0, 2, 1);
        var (height, kh, sh) = SpatialRank == 1 ? (1L, 1L, 1L) : (padded[0], (long)Kernel[0], (long)Stride[0]);
        var folded = nn.functional.fold(columns, (height, padded[^1]), (kh, (long)Kernel[^1]), stride: (sh, (long)Stride[^1]))
            .view([n, context.InputShape[0], .. padded]);
        gradient.copy_(PaddingAdjoint(context, folded));
    }

    /// <summary>pad(<paramref name="input"/>), into a buffer of <paramref name="buffers"/> for zero padding (CIRCULAR allocates); the input itself without padding.</summary>
    private Tensor PadInto(LayerContext context, Tensor input, LayerBuffers buffers)
    {
        var pads = TorchPads(context.InputShape);
        if (pads.All(p => p == 0)) return input;
        if (Padding == Padding.Circular) return Pad(context, input);
        long[] shape = [.. input.shape.Take(2), .. Enumerable.Range(0, SpatialRank)
            .Select(a => input.shape[a + 2] + pads[2 * (SpatialRank - 1 - a)] + pads[2 * (SpatialRank - 1 - a) + 1])];
        var padded = buffers.Named(PaddedName, shape, input).zero_();
        Interior(padded, pads, input.shape).copy_(input);
        return padded;
    }

    /// <summary>The positions of a padded tensor that hold the input of <paramref name="inputShape"/>.</summary>
    private Tensor Interior(Tensor padded, long[] pads, long[] inputShape)
    {
        var interior = padded;
        for (int a = 0; a < SpatialRank; a++)
            interior = interior.narrow(a + 2, pads[2 * (SpatialRank - 1 - a)], inputShape[a + 2]);
        return interior;
    }

    /// <summary>
    /// The adjoint of <see cref="Pad"/>: the interior, plus for CIRCULAR the wrapped borders added back where they were copied
    /// from (padded position i of an axis with b before is input position (i − b) mod n).
    /// </summary>
    private Tensor PaddingAdjoint(LayerContext context, Tensor padded)
    {
        var pads = TorchPads(context.InputShape);
        if (Padding != Padding.Circular)
        {
            long[] inputShape = [.. padded.shape.Take(2), .. context.InputShape.Skip(1).Select(d => (long)d)];
            return Interior(padded, pads, inputShape);
        }
        var gradient = padded;
        for (int a = 0; a < SpatialRank; a++)
        {
            int dim = a + 2;
            long before = pads[2 * (SpatialRank - 1 - a)], after = pads[2 * (SpatialRank - 1 - a) + 1], size = context.InputShape[a + 1];
            var axis = gradient.narrow(dim, before, size).clone();
            if (before > 0) axis.narrow(dim, size - before, before).Plus_(gradient.narrow(dim, 0, before));
            if (after > 0) axis.narrow(dim, 0, after).Plus_(gradient.narrow(dim, before + size, after));
            gradient = axis;
        }
        return gradient;
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
    /// The term of one factor on each side: the inner products of the per-example, per-output weight gradients
    /// m_W·Σ_p Δ_ik[:, p] ⊗ patch_i[p] (patches of the padded input at the layer's stride), in the order the factor-list
    /// overload picks; bias term m_b²·Σ_c (Σ_p Δ_ik[c,p])(Σ_p Δ_jk'[c,p]).
    /// </summary>
    public override Tensor StructuredNtkTerm(LayerContext context, Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true) =>
        StructuredNtkTerm(context, [new JacobianFactor(a1, d1, bias)], [new JacobianFactor(a2, d2, bias)], outputs);

    /// <summary>
    /// m_W²·Θ_W + m_b²·s_L s_Rᵀ over the factors' positions laid end to end, so that a sum of factors costs one contraction:
    /// Θ_W[(i,o),(j,o')] = Σ_{p,q} ⟨Δ_io[:, p], Δ_jo'[:, q]⟩·⟨patch_i[p], patch_j[q]⟩ is the inner product of the per-example weight
    /// gradients G_io = Σ_p Δ_io[:, p] ⊗ patch_i[p], and s = Σ_p Δ_io[:, p] the bias gradients. Θ_W is contracted in the order
    /// <see cref="CheaperContraction"/> picks.
    /// </summary>
    public override Tensor StructuredNtkTerm(LayerContext context, IReadOnlyList<JacobianFactor> left, IReadOnlyList<JacobianFactor> right, int outputs)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var s = Scaling(context);
        var one = Side(context, left, outputs);
        bool same = left.Count == right.Count && left.Zip(right).All(p =>
            ReferenceEquals(p.First.Input, p.Second.Input) && ReferenceEquals(p.First.Delta, p.Second.Delta) && p.First.Bias == p.Second.Bias);
        var two = same ? one : Side(context, right, outputs);
        double mw2 = s.WeightMultiplier * s.WeightMultiplier * s.WeightRate, mb2 = s.BiasMultiplier * s.BiasMultiplier * s.BiasRate;
        var contraction = CheaperContraction(one.Deltas.shape[0], two.Deltas.shape[0], outputs, one.Deltas.shape[1] / outputs,
            one.Patches.shape[1], one.Patches.shape[2], two.Patches.shape[2], same);
        var weights = WeightTerm(one.Deltas, one.Patches, two.Deltas, two.Patches, outputs, same, contraction).Scaled(mw2);
        return one.Bias is null || two.Bias is null ? weights : weights.Plus_(one.Bias.matmul(two.Bias.transpose(0, 1)).Scaled(mb2));
    }

    /// <summary>The two orders in which <see cref="StructuredNtkTerm(LayerContext, IReadOnlyList{JacobianFactor}, IReadOnlyList{JacobianFactor}, int)"/> contracts Θ_W.</summary>
    internal enum Contraction
    {
        /// <summary>G_i = Δ_i·patch_iᵀ [O·C_out, F] for each example, then G_L·G_Rᵀ: one long product over the F·C_out weights.</summary>
        PerExampleGradients,

        /// <summary>
        /// K = patches_L·patches_Rᵀ over (example, position) rows, then R_ij = Δ_i·K_ij [O·C_out, P] and Θ_W[(i,·),(j,·)] =
        /// R_ij·Δ_jᵀ over (channel, position): no per-example gradients, so little memory, and fewer multiply-adds when there are
        /// few positions (cnn-fashion's strided conv: P = 49 against F = 1,152 at 128 channels).
        /// </summary>
        PositionKernel,
    }

    /// <summary>
    /// The contraction with fewer multiply-adds for N_L and N_R examples with P_L and P_R positions (factors end to end), O
    /// outputs, C_out channels and F = C_in·|filter| (one side's set when <paramref name="same"/>, whose symmetric products cost
    /// 10/16 of the full ones through <see cref="GramMatrix"/>, or the half below the block diagonal):
    /// per-example gradients (N_L·P_L + N_R·P_R)·O·C_out·F + N_L·N_R·O²·C_out·F; position kernel N_L·P_L·N_R·P_R·F +
    /// 2·(N_L·N_R·O·C_out·P_L·P_R + N_L·N_R·O²·C_out·P_R), its two last products counted twice because their inner dimension
    /// (positions) is thin: measured at about half MKL's rate here. At cnn-fashion's shapes (40 examples, 10 outputs, 128
    /// channels, F = 1,152) the position kernel took 0.26 s against 0.58 s for P = 49, and 0.84 against 0.62 s for P = 98.
    /// </summary>
    internal static Contraction CheaperContraction(long n1, long n2, long outputs, long channels, long fanIn, long positions1, long positions2, bool same)
    {
        double pairs = (double)n1 * n2, gram = same ? 10.0 / 16 : 1, half = same ? 0.5 : 1;
        double perExample = (same ? n1 * positions1 : n1 * positions1 + n2 * positions2) * (double)outputs * channels * fanIn
            + pairs * outputs * outputs * channels * fanIn * gram;
        double positionKernel = pairs * positions1 * positions2 * fanIn * gram
            + 2 * half * (pairs * outputs * channels * positions1 * positions2 + pairs * outputs * outputs * channels * positions2);
        return positionKernel < perExample ? Contraction.PositionKernel : Contraction.PerExampleGradients;
    }

    /// <summary>
    /// Θ_W [N_L·O, N_R·O] from each side's Δ [N, O·C_out, P] and patches [N, F, P] by <paramref name="contraction"/>; the right side
    /// is not read when <paramref name="same"/>.
    /// </summary>
    internal static Tensor WeightTerm(Tensor d1, Tensor r1, Tensor d2, Tensor r2, int outputs, bool same, Contraction contraction)
    {
        if (contraction == Contraction.PositionKernel) return PositionKernelProduct(d1, r1, d2, r2, outputs, same);
        using var scope = NewDisposeScope();
        var g1 = PerExampleProducts(d1, r1.transpose(1, 2)).reshape(d1.shape[0] * outputs, -1);
        var weights = same ? GramMatrix.Of(g1) : g1.matmul(PerExampleProducts(d2, r2.transpose(1, 2)).reshape(d2.shape[0] * outputs, -1).t());
        return weights.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Θ_W by the position kernel K[(i,p),(j,q)] = ⟨patch_i[p], patch_j[q]⟩: for each right example j, R_ij = Δ_i·K_ij for every
    /// left example i in one batched product, then the column block Θ_W[(·,o),(j,o')] = Σ_{c,q} R_ij[(o,c),q]·Δ_j[(o',c),q] in one
    /// product. On one set only i ≥ j is formed and the blocks above the diagonal are copied from below.
    /// </summary>
    private static Tensor PositionKernelProduct(Tensor d1, Tensor r1, Tensor d2, Tensor r2, int outputs, bool same)
    {
        using var scope = NewDisposeScope();
        var right = same ? d1 : d2;
        long n1 = d1.shape[0], n2 = right.shape[0], p1 = d1.shape[2], p2 = right.shape[2], width = right.shape[1] / outputs * p2;
        var rows1 = r1.transpose(1, 2).reshape(n1 * p1, -1);                                           // [N_L·P_L, F]
        var k = (same ? GramMatrix.Of(rows1) : rows1.matmul(r2.transpose(1, 2).reshape(n2 * p2, -1).t())).view(n1, p1, n2, p2);
        var result = empty([n1 * outputs, n2 * outputs], d1.dtype, d1.device);
        for (long j = 0; j < n2; j++)
        {
            using var step = NewDisposeScope();
            long first = same ? j : 0, count = n1 - first;
            var r = d1.narrow(0, first, count).bmm(k.narrow(0, first, count).select(2, j));       // R_ij [count, O·C_out, P_R]
            var column = r.reshape(count * outputs, width).matmul(right[j].reshape(outputs, width).t());
            result.narrow(0, first * outputs, count * outputs).narrow(1, j * outputs, outputs).copy_(column);
            if (same && count > 1)
                result.narrow(0, j * outputs, outputs).narrow(1, (j + 1) * outputs, (count - 1) * outputs)
                    .copy_(column.narrow(0, outputs, (count - 1) * outputs).t());
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One side's Δ as [N, O·C_out, P] and patches as [N, C_in·|filter|, P] with the factors' positions laid end to end, and
    /// Σ_p Δ over the factors carrying the bias as [N·O, C_out] (null when none does).
    /// </summary>
    private (Tensor Deltas, Tensor Patches, Tensor? Bias) Side(LayerContext context, IReadOnlyList<JacobianFactor> factors, int outputs)
    {
        if (factors.Count == 0) throw new ArgumentException("a Jacobian needs at least one factor", nameof(factors));
        long n = factors[0].Input.shape[0];
        var deltas = factors.Select(f => f.Delta.reshape(n, outputs * f.Delta.shape[2], -1)).ToArray();    // [N, O·C_out, P]
        var patches = factors.Select(f => Patches(Pad(context, f.Input))).ToArray();                       // [N, C_in·|filter|, P]
        var (d, r) = factors.Count == 1 ? (deltas[0], patches[0]) : (cat(deltas, 2), cat(patches, 2));
        var withBias = deltas.Where((_, i) => factors[i].Bias).ToArray();
        Tensor? bias = null;
        foreach (var delta in withBias) bias = bias is null ? delta.sum(-1) : bias.Plus_(delta.sum(-1));
        return (d, r, bias?.reshape(n * outputs, -1));
    }

    /// <summary>
    /// a_i·b_i for every example i, [N, m, n] from a [N, m, k] and b [N, k, n]: one GEMM per example into one output. With the
    /// positions as the inner dimension (k = 49 at cnn-fashion's second conv) MKL's batched product took 1.8× as long
    /// (193 against 106 ms for 40 × [1280, 49]·[49, 1152] in float64), with the same values.
    /// </summary>
    private static Tensor PerExampleProducts(Tensor a, Tensor b)
    {
        long n = a.shape[0];
        var products = empty([n, a.shape[1], b.shape[2]], a.dtype, a.device);
        for (long i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            products[i].addmm_(a[i], b[i], 0, 1);
        }
        return products;
    }

    /// <summary>Patches of a padded input at the conv's stride, [N, C_in·k(h)·(kw), P] in W's (C_in, kh, kw) order.</summary>
    private Tensor Patches(Tensor padded)
    {
        long n = padded.shape[0], cin = padded.shape[1];
        var windows = Windows(padded);
        return SpatialRank == 1
            ? windows.permute(0, 1, 3, 2).reshape(n, cin * Kernel[0], -1)
            : windows.permute(0, 1, 4, 5, 2, 3).reshape(n, cin * Kernel[0] * Kernel[1], -1);
    }

    /// <summary>The windows of a padded input at the conv's stride (a view): [N, C_in, L_o, k] or [N, C_in, H_o, W_o, kh, kw].</summary>
    private Tensor Windows(Tensor padded) => SpatialRank == 1
        ? padded.unfold(2, Kernel[0], Stride[0])
        : padded.unfold(2, Kernel[0], Stride[0]).unfold(3, Kernel[1], Stride[1]);
}
