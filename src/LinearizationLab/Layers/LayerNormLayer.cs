using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// Layer normalization without parameters (Ba et al. 2016; neural-tangents <c>stax.LayerNorm</c> over the channel axis):
/// y = (x − μ)·r with r = 1/√(σ² + ε), μ and σ² the mean and biased variance over the features of a flat input [d], or
/// over the channels at each position of [C,L] / [C,H,W]. It is nonlinear in x: its Jacobian is the symmetric
/// r·(I − 11ᵀ/C − yyᵀ/C), so ẏ = r·(u̇ − y·mean(y·u̇)) with u̇ = ẋ − mean(ẋ).
/// Kernel (infinite width): K ← K/√((Σ11+ε)(Σ22+ε)) and Θ ← Θ/√((Σ11+ε)(Σ22+ε)) per position pair, with Σ11, Σ22 each
/// example's own variance at its position. Like neural-tangents, the rule ignores the mean subtraction: it holds when the
/// input's features have mean zero at infinite width (after dense/conv, or an odd activation of them), not after ReLU
/// (docs/KERNEL-CONVENTIONS.md).
/// </summary>
[LayerOrder(6)]
public sealed record LayerNormLayer(double Epsilon) : Layer, ILayerKind
{
    /// <summary>ε when arch.json gives none: 1e-12, neural-tangents' default for <c>stax.LayerNorm</c> (PyTorch's is 1e-5).</summary>
    public const double DefaultEpsilon = 1e-12;

    /// <summary>arch.json: <c>{"type": "layer_norm", "epsilon": 1e-12, "affine": false}</c>.</summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes => [("layer_norm", Read)];

    private static Layer Read(JsonSection l)
    {
        double epsilon = l.Double("epsilon", DefaultEpsilon, min: 0, minExclusive: true);
        var norm = new LayerNormLayer(epsilon);
        return l.Bool("affine", false) ? new SerialBlock([norm, new ChannelAffineLayer()]) : norm;
    }

    /// <inheritdoc/>
    public override string TypeName => "layer_norm";

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input)
    {
        if (input[0] < 2)
            throw new ArgumentException($"layer_norm normalizes over the {(input.Length == 1 ? "features" : "channels")} and needs at least 2 of them, but gets shape [{string.Join(",", input)}]");
        return input;
    }

    /// <summary>y = (x − μ)/√(σ² + ε) over axis 1 (features or channels) of each example and position.</summary>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset)
    {
        using var scope = NewDisposeScope();
        var (centered, inverseStd) = Normalize(input);
        return centered.mul(inverseStd).MoveToOuterDisposeScope();
    }

    /// <summary>ẏ = r·(u̇ − y·mean(y·u̇)), u̇ = ẋ − mean(ẋ): the derivative of u·r with ṙ = −r³·mean(u·u̇).</summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset)
    {
        using var scope = NewDisposeScope();
        var (centered, r) = Normalize(input);
        var y = centered.mul(r);
        if (inputTangent is null) return (y.MoveToOuterDisposeScope(), null);
        var u = Center(inputTangent);
        var tangent = u.sub(y.mul(MeanOverFeatures(y.mul(u)))).mul(r);
        return (y.MoveToOuterDisposeScope(), tangent.MoveToOuterDisposeScope());
    }

    /// <summary>[u_0, r_0]: the centered input x − μ and r = 1/√(σ² + ε) (one per example and position) at the expansion point.</summary>
    public override Tensor[] JetDerivatives(LayerContext context, Tensor input, int order)
    {
        var (centered, inverseStd) = Normalize(input);
        return [centered, inverseStd];
    }

    /// <summary>
    /// The jet of y = u·r composed from its parts, with normalized Taylor coefficients along the ray: u_j = x_j − mean(x_j)
    /// (linear); v = mean(u²) + ε by the Cauchy product, v_m = mean(Σ_(a+b=m) u_a·u_b); r = v^(−1/2) by Faà di Bruno,
    /// r_1 = g′v_1, r_2 = g′v_2 + ½g″v_1², r_3 = g′v_3 + g″v_1v_2 + ⅙g‴v_1³ with g′ = −½r_0³, g″ = ¾r_0⁵, g‴ = −(15/8)r_0⁷;
    /// and y_j = Σ_(a+b=j) u_a·r_b.
    /// </summary>
    public override Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives)
    {
        int order = inputCoefficients.Count;
        if (derivatives.Count < 2)
            throw new ArgumentException("a layer_norm jet needs the centered input and 1/√(σ² + ε) at the expansion point");
        var u = new Tensor?[order + 1];
        u[0] = derivatives[0];
        for (int j = 1; j <= order; j++) u[j] = inputCoefficients[j - 1] is { } x ? Center(x) : null;
        var v = new Tensor?[order + 1];
        for (int m = 1; m <= order; m++)
        {
            Tensor? sum = null;
            for (int a = 0; a <= m; a++) sum = Sum(sum, Product(u[a], u[m - a]));
            v[m] = sum is null ? null : MeanOverFeatures(sum);
        }
        var r0 = derivatives[1];
        var (g1, g2, g3) = InverseSqrtDerivatives(r0);
        var r = new Tensor?[order + 1];
        r[0] = r0;
        if (order >= 1) r[1] = Product(g1, v[1]);
        if (order >= 2) r[2] = Sum(Product(g1, v[2]), Product(g2, Product(v[1], v[1]))?.Scaled(0.5));
        if (order >= 3)
            r[3] = Sum(Sum(Product(g1, v[3]), Product(g2, Product(v[1], v[2]))),
                Product(g3, Product(v[1], Product(v[1], v[1])))?.Scaled(1.0 / 6));
        var output = new Tensor?[order];
        for (int j = 1; j <= order; j++)
        {
            Tensor? y = null;
            for (int a = 0; a <= j; a++) y = Sum(y, Product(u[a], r[j - a]));
            output[j - 1] = y;
        }
        return output;
    }

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>y = (x − μ)·r written into the output buffer; r = 1/√(σ² + ε) kept as "inverse_std" for the reverse and tangent passes.</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        using var scope = NewDisposeScope();
        var y = buffers.Output(input.shape, input).copy_(input);
        y.sub_(input.mean([1], keepdim: true));
        var r = buffers.Named("inverse_std", StatisticShape(input), input);
        InverseStdInto(r, y, buffers.Named("product", input.shape, input));
        y.mul_(r);
        return y;
    }

    /// <summary>∂L/∂x = r·(δ − mean(δ) − y·mean(y·δ)) (the Jacobian is symmetric), in place on δ.</summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        if (!needInputGradient) return null;
        using var scope = NewDisposeScope();
        var y = buffers.Output(input.shape, input);
        Project(outputGradient, y, buffers.StoredNamed("inverse_std"), buffers.Named("product", input.shape, input));
        return outputGradient;
    }

    /// <summary>ẏ = r·(ẋ − mean(ẋ) − y·mean(y·(ẋ − mean(ẋ)))) with y and r stored by the forward pass at the point.</summary>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        if (inputTangent is null) return null;
        using var scope = NewDisposeScope();
        var tangent = tangentBuffers.Output(inputTangent.shape, inputTangent).copy_(inputTangent);
        Project(tangent, pointBuffers.Output(input.shape, input), pointBuffers.StoredNamed("inverse_std"),
            tangentBuffers.Named("product", input.shape, input));
        return tangent;
    }

    /// <summary>
    /// <see cref="Jet"/> on stacked blocks. At a new point, u_0 = x_0 − μ_0, r_0 and y_0 = u_0·r_0 are stored; then the
    /// centered coefficients u_j, v_m = mean(Σ_(a+b=m) u_a·u_b), r_m (Faà di Bruno) and y_j = Σ_(a+b=j) u_a·r_b. The u_j
    /// ("jet_centered"), v_m ("jet_variance") and r_m ("jet_inverse_std") stay in the buffers for <see cref="JetBackprop"/>.
    /// </summary>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[0] / (order + 1);
        Tensor Block(Tensor t, int j) => t.narrow(0, j * n, n);
        var y = buffers.Output(input.shape, input);
        var u = buffers.Named("jet_centered", input.shape, input);
        var statistic = StatisticShape(input);
        var r = buffers.Named("jet_inverse_std", statistic, input);
        var v = buffers.Named("jet_variance", statistic, input);
        var product = buffers.Named("jet_product", Block(input, 0).shape, input);
        if (newPoint)
        {
            var u0 = Block(u, 0).copy_(Block(input, 0));
            u0.sub_(Block(input, 0).mean([1], keepdim: true));
            InverseStdInto(Block(r, 0), u0, product);
            Block(y, 0).copy_(u0).mul_(Block(r, 0));
        }
        for (int j = 1; j <= order; j++)
        {
            var x = Block(input, j);
            Block(u, j).copy_(x).sub_(x.mean([1], keepdim: true));
        }
        for (int m = 1; m <= order; m++)
        {
            product.zero_();
            for (int a = 0; 2 * a <= m; a++)
                product.AddProduct_(Block(u, a), Block(u, m - a), 2 * a == m ? 1.0 : 2.0);
            Block(v, m).copy_(product.mean([1], keepdim: true));
        }
        var (g1, g2, g3) = InverseSqrtDerivatives(Block(r, 0));
        var v1 = Block(v, 1);
        Block(r, 1).copy_(g1.mul(v1));
        if (order >= 2) Block(r, 2).copy_(g1.mul(Block(v, 2)).Plus_(g2.mul(v1.Squared()).Scaled(0.5)));
        if (order >= 3)
            Block(r, 3).copy_(g1.mul(Block(v, 3)).Plus_(g2.mul(v1).mul_(Block(v, 2))).Plus_(g3.mul(v1.Squared().mul(v1)).Scaled(1.0 / 6)));
        for (int j = 1; j <= order; j++)
        {
            var yj = Block(y, j).copy_(Block(u, j)).mul_(Block(r, 0));
            for (int a = 0; a < j; a++) yj.AddProduct_(Block(u, a), Block(r, j - a), 1.0);
        }
        return y;
    }

    /// <summary>
    /// The transpose of <see cref="JetInto"/> for h_j = ∂L/∂y_j: r̄_m = Σ_(j≥m) Σ_c h_j·u_(j−m); v̄_3 = g′r̄_3,
    /// v̄_2 = g′r̄_2 + g″v_1r̄_3, v̄_1 = g′r̄_1 + g″v_1r̄_2 + (g″v_2 + ½g‴v_1²)r̄_3; ū_i = Σ_(j≥i) h_j·r_(j−i) + (2/C)·Σ_(m≥i) v̄_m·u_(m−i);
    /// and ∂L/∂x_i = ū_i − mean(ū_i) (centering is a symmetric projection).
    /// </summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        if (!needInputGradient) return null;
        using var scope = NewDisposeScope();
        long n = input.shape[0] / (order + 1);
        Tensor Block(Tensor t, int j) => t.narrow(0, j * n, n);
        var u = buffers.StoredNamed("jet_centered");
        var r = buffers.StoredNamed("jet_inverse_std");
        var v = buffers.StoredNamed("jet_variance");
        var product = buffers.StoredNamed("jet_product");
        var h = outputGradient;
        var rBar = new Tensor[order + 1];
        for (int m = 1; m <= order; m++)
        {
            product.zero_();
            for (int j = m; j <= order; j++) product.AddProduct_(Block(h, j), Block(u, j - m), 1.0);
            rBar[m] = product.sum([1], keepdim: true);
        }
        var (g1, g2, g3) = InverseSqrtDerivatives(Block(r, 0));
        var v1 = Block(v, 1);
        var vBar = new Tensor[order + 1];
        vBar[1] = g1.mul(rBar[1]);
        if (order >= 2)
        {
            vBar[1].Plus_(g2.mul(v1).mul_(rBar[2]));
            vBar[2] = g1.mul(rBar[2]);
        }
        if (order >= 3)
        {
            vBar[1].Plus_(g2.mul(Block(v, 2)).Plus_(g3.mul(v1.Squared()).Scaled(0.5)).mul_(rBar[3]));
            vBar[2].Plus_(g2.mul(v1).mul_(rBar[3]));
            vBar[3] = g1.mul(rBar[3]);
        }
        double twoOverC = 2.0 / input.shape[1];
        var gradient = buffers.InputGradient(input.shape, input);
        for (int i = 1; i <= order; i++)
        {
            var g = Block(gradient, i).copy_(Block(h, i)).mul_(Block(r, 0));
            for (int j = i + 1; j <= order; j++) g.AddProduct_(Block(h, j), Block(r, j - i), 1.0);
            for (int m = i; m <= order; m++) g.AddProduct_(Block(u, m - i), vBar[m], twoOverC);
            g.sub_(g.mean([1], keepdim: true));
        }
        return gradient;
    }

    /// <summary>
    /// Per position pair: K ← K/√((Σ11+ε)(Σ22+ε)) and Θ ← Θ/√((Σ11+ε)(Σ22+ε)) (neural-tangents' kernel_fn for LayerNorm over
    /// channels), Σ11 and Σ22 read from each example's self run, which stores them (one slot per position).
    /// </summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        double epsilon = Epsilon;
        int slot = plan.ReserveVariances(context.SpatialInput ? context.InputPositions : 1);
        return state =>
        {
            double[] k = state.K, theta = state.Theta;
            state.ForEachEntry(slot, state.Spatial ? state.Positions : 1, (v1, v2, e) =>
            {
                double scale = 1 / Math.Sqrt((v1 + epsilon) * (v2 + epsilon));
                k[e] *= scale;
                theta[e] *= scale;
            });
        };
    }

    /// <summary>u = x − mean(x) and r = 1/√(mean(u²) + ε) over axis 1, r with that axis kept as 1.</summary>
    private (Tensor Centered, Tensor InverseStd) Normalize(Tensor input)
    {
        var centered = Center(input);
        return (centered, MeanOverFeatures(centered.Squared()).Shifted(Epsilon).rsqrt());
    }

    /// <summary>r ← 1/√(mean(u²) + ε), using <paramref name="scratch"/> (shaped like u) for u².</summary>
    private void InverseStdInto(Tensor r, Tensor centered, Tensor scratch)
    {
        scratch.copy_(centered).mul_(centered);
        r.copy_(scratch.mean([1], keepdim: true)).Shift_(Epsilon).rsqrt_();
    }

    /// <summary>t ← r·(t − mean(t) − y·mean(y·(t − mean(t)))), the Jacobian of layer_norm applied in place.</summary>
    private static void Project(Tensor t, Tensor y, Tensor r, Tensor scratch)
    {
        t.sub_(t.mean([1], keepdim: true));
        var projection = scratch.copy_(y).mul_(t).mean([1], keepdim: true);
        t.AddProduct_(y, projection, -1.0);
        t.mul_(r);
    }

    /// <summary>g′, g″, g‴ of g(v) = v^(−1/2) at v_0 = r_0^(−2): −½r_0³, ¾r_0⁵, −(15/8)r_0⁷.</summary>
    private static (Tensor First, Tensor Second, Tensor Third) InverseSqrtDerivatives(Tensor r0)
    {
        var r2 = r0.Squared();
        var first = r2.mul(r0).Scaled(-0.5);
        var second = first.mul(r2).Scaled(-1.5);
        var third = second.mul(r2).Scaled(-2.5);
        return (first, second, third);
    }

    /// <summary>The shape of a per-example, per-position statistic: the input's with axis 1 set to 1.</summary>
    private static long[] StatisticShape(Tensor input)
    {
        var shape = input.shape.ToArray();
        shape[1] = 1;
        return shape;
    }

    private static Tensor Center(Tensor x) => x.sub(x.mean([1], keepdim: true));

    private static Tensor MeanOverFeatures(Tensor x) => x.mean([1], keepdim: true);

    private static Tensor? Product(Tensor? a, Tensor? b) => a is null || b is null ? null : a.mul(b);

    private static Tensor? Sum(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : a.Plus(b);
}
