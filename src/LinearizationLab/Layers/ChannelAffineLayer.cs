using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// A gain and a bias per feature of a flat input [C], or per channel of [C,L] / [C,H,W] (shared over positions):
/// y = γ ⊙ x + β, with γ starting at 1 and β at 0 and no parameterization multiplier (the learned scale and shift of a
/// normalization, e.g. PyTorch's <c>LayerNorm(elementwise_affine=True)</c>). Bilinear in (γ, x) and linear in β, as an
/// <see cref="AffineLayer"/> is in (W, a) and b. Kernel (infinite width, at γ = 1, β = 0): K ← K, Θ ← Θ + K + 1 per position
/// pair (∂y_c/∂γ_c = x_c gives K, ∂y_c/∂β_c = 1 gives 1), exact when a linear layer (dense, conv, flatten, pooling) reads
/// the output; an activation right after it would need E[φ′φ′·x x′] for the gains' term, not K̇·K (docs/KERNEL-CONVENTIONS.md).
/// </summary>
[LayerOrder(7)]
public sealed record ChannelAffineLayer : Layer, ILayerKind
{
    /// <summary>arch.json: <c>{"type": "channel_affine"}</c> (no fields).</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("channel_affine", _ => new ChannelAffineLayer())];

    /// <inheritdoc/>
    public override string TypeName => "channel_affine";

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input) => input;

    /// <summary>γ then β.</summary>
    public override int ParameterTensorCount => 2;

    /// <summary>2·C: one gain and one bias per feature or channel.</summary>
    public override long ParameterCount(int[] input) => 2L * input[0];

    /// <summary>γ = 1 and β = 0 (standard deviation 0), so the layer starts as the identity.</summary>
    public override IReadOnlyList<ParameterInit> InitialParameters(LayerContext context) =>
        [new([context.InputShape[0]], Std: 0, Mean: 1), new([context.InputShape[0]], Std: 0)];

    /// <summary>y = γ ⊙ x + β, γ and β broadcast over positions.</summary>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        input.mul(Channels(parameters[offset], input)).Plus(Channels(parameters[offset + 1], input));

    /// <summary>ẏ = γ̇ ⊙ x + β̇ + γ ⊙ ẋ: the forward pass applied to (x; γ̇, β̇) plus γ ⊙ ẋ (the product rule).</summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset)
    {
        var output = Forward(context, input, parameters, offset);
        var tangent = Forward(context, input, parameterTangents, offset);
        if (inputTangent is not null) tangent = tangent.Plus(inputTangent.mul(Channels(parameters[offset], input)));
        return (output, tangent);
    }

    /// <summary>
    /// The product rule on the bilinear map, as <see cref="AffineLayer.Jet"/>: with γ(s) = γ0 + s·Δγ and β(s) = β0 + s·Δβ,
    /// y_j = γ0 ⊙ x_j + Δγ ⊙ x_(j−1) + [j = 1]·Δβ (x_0 the input at θ0).
    /// </summary>
    public override Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives)
    {
        int order = inputCoefficients.Count;
        var gain = Channels(parameters[offset], input);
        var gainStep = Channels(displacement[offset], input);
        var output = new Tensor?[order];
        for (int j = 1; j <= order; j++)
        {
            var shifted = j == 1 ? Forward(context, input, displacement, offset)
                : inputCoefficients[j - 2] is { } below ? below.mul(gainStep) : null;
            var direct = inputCoefficients[j - 1] is { } x ? x.mul(gain) : null;
            output[j - 1] = shifted is null ? direct : direct is null ? shifted : shifted.Plus(direct);
        }
        return output;
    }

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>y = γ ⊙ x + β in the output buffer.</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        using var scope = NewDisposeScope();
        var y = buffers.Output(input.shape, input).copy_(input);
        y.mul_(Channels(parameters[offset], input));
        y.Plus_(Channels(parameters[offset + 1], input));
        return y;
    }

    /// <summary>
    /// ∂L/∂γ_c = Σ_(n,p) δ⊙x, ∂L/∂β_c = Σ_(n,p) δ, ∂L/∂x = γ ⊙ δ (in place on δ, after the sums and before the sink, which may
    /// update γ in place).
    /// </summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        using var scope = NewDisposeScope();
        var axes = SummedAxes(input);
        var gain = buffers.Named("product", input.shape, input).copy_(outputGradient).mul_(input).sum(axes);
        var bias = outputGradient.sum(axes);
        Tensor? inputGradient = needInputGradient ? outputGradient.mul_(Channels(parameters[offset], input)) : null;
        sink.Add(offset, gain, 1.0);
        sink.Add(offset + 1, bias, 1.0);
        return inputGradient;
    }

    /// <summary>ẏ = γ̇ ⊙ x + β̇ + γ ⊙ ẋ.</summary>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        using var scope = NewDisposeScope();
        var tangent = tangentBuffers.Output(input.shape, input).copy_(input);
        tangent.mul_(Channels(parameterTangents[offset], input));
        tangent.Plus_(Channels(parameterTangents[offset + 1], input));
        if (inputTangent is not null) tangent.AddProduct_(inputTangent, Channels(parameters[offset], input), 1.0);
        return tangent;
    }

    /// <summary>
    /// y_j = γ0 ⊙ x_j + Δγ ⊙ x_(j−1) + [j = 1]·Δβ for j = 1…k over the stacked blocks (blocks 1…k with γ0, blocks 0…k−1 with
    /// Δγ); block 0 is γ0 ⊙ x_0 + β0.
    /// </summary>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[0] / (order + 1);
        var y = buffers.Output(input.shape, input);
        if (newPoint)
        {
            var y0 = y.narrow(0, 0, n).copy_(input.narrow(0, 0, n));
            y0.mul_(Channels(parameters[offset], input));
            y0.Plus_(Channels(parameters[offset + 1], input));
        }
        var coefficients = y.narrow(0, n, order * n).copy_(input.narrow(0, n, order * n));
        coefficients.mul_(Channels(parameters[offset], input));
        coefficients.AddProduct_(input.narrow(0, 0, order * n), Channels(displacement[offset], input), 1.0);
        y.narrow(0, n, n).Plus_(Channels(displacement[offset + 1], input));
        return y;
    }

    /// <summary>
    /// With h_j = ∂L/∂y_j: ∂L/∂Δγ = Σ_j Σ_(n,p) h_j ⊙ x_(j−1), ∂L/∂Δβ = Σ_(n,p) h_1, ∂L/∂x_j = γ0 ⊙ h_j + Δγ ⊙ h_(j+1)
    /// (computed first: the sink may update Δγ in place).
    /// </summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[0] / (order + 1);
        var axes = SummedAxes(input);
        var h = outputGradient.narrow(0, n, order * n);
        var gain = buffers.Named("jet_product", h.shape, input).copy_(h).mul_(input.narrow(0, 0, order * n)).sum(axes);
        var bias = h.narrow(0, 0, n).sum(axes);
        Tensor? inputGradient = null;
        if (needInputGradient)
        {
            inputGradient = buffers.InputGradient(input.shape, input);
            var coefficients = inputGradient.narrow(0, n, order * n).copy_(h).mul_(Channels(parameters[offset], input));
            if (order > 1) coefficients.narrow(0, 0, (order - 1) * n).AddProduct_(h.narrow(0, n, (order - 1) * n), Channels(displacement[offset], input), 1.0);
        }
        sink.Add(offset, gain, 1.0);
        sink.Add(offset + 1, bias, 1.0);
        return inputGradient;
    }

    /// <summary>
    /// K ← K, Θ ← Θ + K + 1 on every tracked entry: at γ = 1, β = 0 the layer is the identity, and its gradients add x_c·x′_c
    /// (mean K over channels) and 1 per unit. The gains' term is a random per-unit product, so this is the kernel a linear layer
    /// reads; an activation's rule Θ ← K̇·Θ would treat it as independent of the unit's pre-activation, which it is not.
    /// </summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        plan.OpenGain = true;
        return state =>
        {
            int length = state.Length;
            for (int e = 0; e < length; e++) state.Theta[e] += state.K[e] + 1;
            state.ThetaZero = false;
        };
    }

    /// <summary>
    /// Θ̂[(i,k),(j,k′)] = Σ_c G1[(i,k),c]·G2[(j,k′),c] with G[(i,k),c] = Σ_p Δ[i,k,c,p]·a[i,c,p] (the gains), plus
    /// Σ_c S1·S2 with S[(i,k),c] = Σ_p Δ[i,k,c,p] (the biases) when <paramref name="bias"/>.
    /// </summary>
    public override Tensor StructuredNtkTerm(LayerContext context, Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true)
    {
        var (g1, s1) = Gradients(a1, d1);
        var (g2, s2) = ReferenceEquals(a1, a2) && ReferenceEquals(d1, d2) ? (g1, s1) : Gradients(a2, d2);
        var term = g1.matmul(g2.transpose(0, 1));
        return bias ? term.Plus_(s1.matmul(s2.transpose(0, 1))) : term;
    }

    /// <summary>Σ_p Δ⊙a and Σ_p Δ, each [N·O, C], from a [N, C, ...] and Δ [N, O, C, ...].</summary>
    private static (Tensor Gain, Tensor Bias) Gradients(Tensor a, Tensor delta)
    {
        long channels = a.shape[1];
        var product = delta.mul(a.unsqueeze(1));
        if (a.dim() > 2) return (product.flatten(3).sum(3).reshape(-1, channels), delta.flatten(3).sum(3).reshape(-1, channels));
        return (product.reshape(-1, channels), delta.reshape(-1, channels));
    }

    /// <summary>A per-channel vector [C] viewed as [C, 1, …] to broadcast over the positions of <paramref name="input"/> [N, C, …].</summary>
    private static Tensor Channels(Tensor parameter, Tensor input) =>
        input.dim() == 2 ? parameter : parameter.view([parameter.shape[0], .. Enumerable.Repeat(1L, (int)input.dim() - 2)]);

    /// <summary>Every axis of [N, C, …] but the channel axis.</summary>
    private static long[] SummedAxes(Tensor input) => [0, .. Enumerable.Range(2, (int)input.dim() - 2).Select(i => (long)i)];
}
