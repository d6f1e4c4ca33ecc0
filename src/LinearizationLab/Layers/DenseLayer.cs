using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Fully connected layer on a flat input [d] → [width] (neural-tangents <c>stax.Dense</c>): z = m_W · a Wᵀ + m_b · b with
/// W of shape [width, d]. Kernel: K ← w²K + b², Θ ← K_new + w²Θ (NTK parameterization; see <see cref="AffineScaling"/>).
/// </summary>
[LayerOrder(0)]
public sealed record DenseLayer(int Width, double WStd, double BStd) : AffineLayer(WStd, BStd), ILayerKind
{
    /// <summary>arch.json: <c>{"type": "dense", "width": n, "w_std": 1.0, "b_std": 0.0}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        [("dense", l => new DenseLayer(l.Int("width", min: 1), ReadWStd(l), ReadBStd(l)))];

    /// <inheritdoc/>
    public override string TypeName => "dense";

    /// <inheritdoc/>
    public override int Units => Width;

    /// <inheritdoc/>
    public override Layer WithWidth(int width) => this with { Width = width };

    /// <inheritdoc/>
    public override int FanIn(int[] input) => input[0];

    /// <inheritdoc/>
    public override long[] WeightShape(int[] input) => [Width, input[0]];

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input.Length != 1)
            throw new ArgumentException($"dense needs a flat input but gets shape [{string.Join(",", input)}]; add flatten or global_avg_pool first");
        return [Width];
    }

    /// <summary>z = m_W · (a·Wᵀ) + m_b · b: the multiplier scales the output, so no weight-sized temporary is made.</summary>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset)
    {
        var s = Scaling(context);
        return nn.functional.linear(input, parameters[offset]).Scaled(s.WeightMultiplier).Plus(parameters[offset + 1].Scaled(s.BiasMultiplier));
    }

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>z = m_W · a·Wᵀ + m_b · b, the product written straight into the output buffer.</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        var s = Scaling(context);
        var z = buffers.Output([input.shape[0], Width], input);
        z.addmm_(input, parameters[offset].t(), 0, 1);
        z.Scale_(s.WeightMultiplier);
        z.AddScaled_(parameters[offset + 1], s.BiasMultiplier);
        return z;
    }

    /// <summary>∂L/∂W = m_W · δᵀ·a, ∂L/∂b = m_b · Σ_n δ_n, ∂L/∂a = m_W · δ·W (computed first: the sink may update W in place).</summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        var s = Scaling(context);
        Tensor? inputGradient = null;
        if (needInputGradient)
        {
            inputGradient = buffers.InputGradient(input.shape, input);
            inputGradient.addmm_(outputGradient, parameters[offset], 0, 1);
            inputGradient.Scale_(s.WeightMultiplier);
        }
        using (var scope = NewDisposeScope())
            sink.Add(offset + 1, outputGradient.sum(0, false), s.BiasMultiplier);
        sink.AddProduct(offset, outputGradient, input, s.WeightMultiplier);
        return inputGradient;
    }

    /// <summary>ż = m_W · (a·Ẇᵀ + ȧ·Wᵀ) + m_b · ḃ.</summary>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        var s = Scaling(context);
        var tangent = tangentBuffers.Output([input.shape[0], Width], input);
        tangent.addmm_(input, parameterTangents[offset].t(), 0, 1);
        if (inputTangent is not null) tangent.addmm_(inputTangent, parameters[offset].t(), 1, 1);
        tangent.Scale_(s.WeightMultiplier);
        tangent.AddScaled_(parameterTangents[offset + 1], s.BiasMultiplier);
        return tangent;
    }

    /// <summary>
    /// z_j = m_W·(a_j·W0ᵀ + a_(j−1)·ΔWᵀ) + [j = 1]·m_b·Δb for j = 1…k as two GEMMs over the stacked blocks (blocks 1…k with W0,
    /// blocks 0…k−1 with ΔW); block 0 is z at θ0.
    /// </summary>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint)
    {
        var s = Scaling(context);
        long n = input.shape[0] / (order + 1);
        var z = buffers.Output([input.shape[0], Width], input);
        if (newPoint)
        {
            var z0 = z.narrow(0, 0, n);
            z0.addmm_(input.narrow(0, 0, n), parameters[offset].t(), 0, 1);
            z0.Scale_(s.WeightMultiplier);
            z0.AddScaled_(parameters[offset + 1], s.BiasMultiplier);
        }
        var coefficients = z.narrow(0, n, order * n);
        coefficients.addmm_(input.narrow(0, n, order * n), parameters[offset].t(), 0, 1);
        coefficients.addmm_(input.narrow(0, 0, order * n), displacement[offset].t(), 1, 1);
        coefficients.Scale_(s.WeightMultiplier);
        coefficients.narrow(0, 0, n).AddScaled_(displacement[offset + 1], s.BiasMultiplier);
        return z;
    }

    /// <summary>
    /// With g_j = ∂L/∂z_j: ∂L/∂ΔW = m_W·Σ_j g_jᵀ·a_(j−1) (one GEMM over the stacked blocks, fused into the sink),
    /// ∂L/∂Δb = m_b·Σ_n g_1, ∂L/∂a_j = m_W·(g_j·W0 + g_(j+1)·ΔW) (computed first: the sink may update ΔW in place).
    /// </summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        var s = Scaling(context);
        long n = input.shape[0] / (order + 1);
        var g = outputGradient.narrow(0, n, order * n);
        Tensor? inputGradient = null;
        if (needInputGradient)
        {
            inputGradient = buffers.InputGradient(input.shape, input);
            var coefficients = inputGradient.narrow(0, n, order * n);
            coefficients.addmm_(g, parameters[offset], 0, 1);
            if (order > 1) inputGradient.narrow(0, n, (order - 1) * n).addmm_(g.narrow(0, n, (order - 1) * n), displacement[offset], 1, 1);
            coefficients.Scale_(s.WeightMultiplier);
        }
        using (var scope = NewDisposeScope())
            sink.Add(offset + 1, g.narrow(0, 0, n).sum(0, false), s.BiasMultiplier);
        sink.AddProduct(offset, g, input.narrow(0, 0, order * n), s.WeightMultiplier);
        return inputGradient;
    }

    /// <summary>The affine map of <see cref="AffineScaling.Kernel"/> on the (flat) pair kernel.</summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        plan.OpenGain = false;
        var s = Scaling(context);
        return state => (state.K[0], state.Theta[0]) = s.Kernel(state.K[0], state.Theta[0]);
    }

    /// <summary>Θ̂_l = r_W·m_W²·(ΔΔᵀ)⊙(a aᵀ ⊗ 1_O) + r_b·m_b²·ΔΔᵀ, with ΔΔᵀ over [N·O, width] and r the learning-rate factors.</summary>
    public override Tensor StructuredNtkTerm(LayerContext context, Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true)
    {
        var s = Scaling(context);
        long width = d1.shape[^1];
        long n1 = a1.shape[0], n2 = a2.shape[0];
        bool same = ReferenceEquals(a1, a2) && ReferenceEquals(d1, d2);
        var dd = same ? GramMatrix.Of(d1.reshape(-1, width)) : d1.reshape(-1, width).matmul(d2.reshape(-1, width).transpose(0, 1));
        double mw2 = s.WeightMultiplier * s.WeightMultiplier * s.WeightRate, mb2 = bias ? s.BiasMultiplier * s.BiasMultiplier * s.BiasRate : 0;
        // (m_W²·a aᵀ + m_b²) broadcast over the output pairs (k, k′) in place, without materializing a aᵀ ⊗ 1_O.
        var gram = (same ? GramMatrix.Of(a1) : a1.matmul(a2.transpose(0, 1))).Scaled(mw2).Shifted(mb2);
        dd.view(n1, outputs, n2, outputs).mul_(gram.view(n1, 1, n2, 1));
        return dd;
    }
}
