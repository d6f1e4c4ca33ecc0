using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// A layer with weights and biases (dense or conv): z = m_W · (W ⋆ a) + m_b · b, with the multipliers, initial
/// standard deviations and kernel map of <see cref="AffineScaling"/> (w_std/√fan_in · W·a + b_std · b under NTK parameterization).
/// </summary>
public abstract record AffineLayer(double WStd, double BStd) : Layer
{
    /// <summary>Output units (dense width, conv channels).</summary>
    public abstract int Units { get; }

    /// <summary>Number of weights feeding one output unit: d for dense, C_in·|filter| for conv.</summary>
    public abstract int FanIn(int[] input);

    /// <summary>Shape of W for an input of <paramref name="input"/>.</summary>
    public abstract long[] WeightShape(int[] input);

    /// <summary>The width factors of an abc-parameterization at this layer (set by the architecture; none by default).</summary>
    public AbcFactors Abc { get; init; } = AbcFactors.None;

    /// <summary>The parameterization rule applied to this layer where it sits.</summary>
    public AffineScaling Scaling(LayerContext context) =>
        AffineScaling.For(context.Parameterization, WStd, BStd, FanIn(context.InputShape), Abc);

    /// <summary>[r_W, r_b] from <see cref="Abc"/>.</summary>
    public override IReadOnlyList<double> LearningRateScales => [Abc.WeightRate, Abc.BiasRate];

    /// <summary>
    /// [m_W², m_b²] of <see cref="Scaling"/>: under NTK parameterization w_std²/fan_in and b_std², so that decay on the effective
    /// weights m_W·W and biases m_b·b is the plain L2 of a standard-parameterized network with the same function; 1 and 1 under
    /// standard parameterization.
    /// </summary>
    public override IReadOnlyList<double> EffectiveDecayScales(LayerContext context)
    {
        var s = Scaling(context);
        return [s.WeightMultiplier * s.WeightMultiplier, s.BiasMultiplier * s.BiasMultiplier];
    }

    /// <inheritdoc/>
    public override int ParameterTensorCount => 2;

    /// <inheritdoc/>
    public override long ParameterCount(int[] input) => (long)FanIn(input) * Units + Units;

    /// <summary>W then b, with the initial standard deviations of <see cref="Scaling"/>.</summary>
    public override IReadOnlyList<ParameterInit> InitialParameters(LayerContext context)
    {
        var s = Scaling(context);
        return [new(WeightShape(context.InputShape), s.WeightInitStd), new([Units], s.BiasInitStd)];
    }

    /// <inheritdoc/>
    public override bool DrawsFreshOutput => true;

    /// <summary>The same layer with w_std and/or b_std replaced (null keeps the current one).</summary>
    public AffineLayer WithVariances(double? wStd, double? bStd) => this with { WStd = wStd ?? WStd, BStd = bStd ?? BStd };

    /// <summary>(m_W·σ_W)²·a(x1)·a(x2) + (m_b·σ_b)² with a flattened (its dot product is the readout's fan-in sum): w_std²/fan_in·a·a′ + b_std² in both parameterizations.</summary>
    public override Tensor ReadoutNngp(LayerContext context, Tensor a1, Tensor a2)
    {
        var s = Scaling(context);
        double w = s.WeightMultiplier * s.WeightInitStd, b = s.BiasMultiplier * s.BiasInitStd;
        return a1.flatten(1).matmul(a2.flatten(1).transpose(0, 1)).Scaled(w * w).Shifted(b * b);
    }

    /// <summary>
    /// z = m_W·W⋆a + m_b·b is bilinear in (W, a) and linear in b, so ż = m_W·(Ẇ⋆a + W⋆ȧ) + m_b·ḃ: the forward pass
    /// applied to (a; Ẇ, ḃ) plus the bias-free forward pass applied to (ȧ; W).
    /// </summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset)
    {
        var output = Forward(context, input, parameters, offset);
        var tangent = Forward(context, input, parameterTangents, offset);
        if (inputTangent is not null) tangent = tangent.Plus(Linear(context, inputTangent, parameters[offset]));
        return (output, tangent);
    }

    /// <summary>
    /// The product rule on the bilinear map: with W(s) = W0 + s·ΔW and b(s) = b0 + s·Δb,
    /// z_j = m_W·(W0⋆a_j + ΔW⋆a_(j−1)) + [j = 1]·m_b·Δb — the weight perturbation enters linearly, so it shifts the input's
    /// coefficients up by one order.
    /// </summary>
    public override Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives)
    {
        int order = inputCoefficients.Count;
        var output = new Tensor?[order];
        for (int j = 1; j <= order; j++)
        {
            var shifted = j == 1 ? Forward(context, input, displacement, offset)
                : inputCoefficients[j - 2] is { } below ? Linear(context, below, displacement[offset]) : null;
            var direct = inputCoefficients[j - 1] is { } a ? Linear(context, a, parameters[offset]) : null;
            output[j - 1] = shifted is null ? direct : direct is null ? shifted : shifted.Plus(direct);
        }
        return output;
    }

    /// <summary>m_W·W⋆a, the layer's map without its bias, for a weight tensor <paramref name="weight"/> of W's shape.</summary>
    protected Tensor Linear(LayerContext context, Tensor input, Tensor weight)
    {
        using var scope = NewDisposeScope();
        var zeroBias = zeros(Units, weight.dtype, weight.device);
        return Forward(context, input, [weight, zeroBias], 0).MoveToOuterDisposeScope();
    }

    /// <summary>Reads <c>w_std</c> (default 1, positive).</summary>
    protected static double ReadWStd(JsonSection l) => l.Double("w_std", 1.0, min: 0, minExclusive: true);

    /// <summary>Reads <c>b_std</c> (default 0, non-negative).</summary>
    protected static double ReadBStd(JsonSection l) => l.Double("b_std", 0.0, min: 0);
}
