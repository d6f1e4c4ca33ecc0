using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>The centers θ_c that an optimizer's weight decay pulls each parameter toward.</summary>
internal static class WeightDecayCenters
{
    /// <summary>
    /// θ_c per parameter: copies of the parameters as they are now (training starts) for <see cref="WeightDecayCenter.Init"/>,
    /// owned by the optimizer; the model's zero point <paramref name="zero"/> (null entries: 0) otherwise; all null without decay.
    /// </summary>
    public static (Tensor?[] Centers, bool Owned) For(OptimizerSpec spec, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor?>? zero)
    {
        var centers = new Tensor?[parameters.Count];
        if (spec.WeightDecay == 0) return (centers, false);
        bool owned = spec.DecayCenter == WeightDecayCenter.Init;
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Count; i++)
            centers[i] = owned ? parameters[i].detach().clone().DetachFromDisposeScope() : zero?[i];
        return (centers, owned);
    }

    /// <summary>
    /// λ_p = λ·s_p for each of <paramref name="count"/> tensors, with <paramref name="scales"/> the factors s_p (null: all 1, λ_p = λ).
    /// </summary>
    public static double[] Rates(OptimizerSpec spec, int count, IReadOnlyList<double>? scales)
    {
        if (scales is not null && scales.Count != count)
            throw new ArgumentException($"{scales.Count} weight-decay factors for {count} tensors", nameof(scales));
        if (scales is not null && scales.Any(s => !(s >= 0) || double.IsInfinity(s)))
            throw new ArgumentException("weight-decay factors must be finite and non-negative", nameof(scales));
        return Enumerable.Range(0, count).Select(i => spec.WeightDecay * (scales?[i] ?? 1)).ToArray();
    }

    /// <summary>
    /// θ ← θ − r·(θ − θ_c), the decay's share of a step at rate r = η·λ (plain gradient descent's L2 step, and AdamW's decoupled
    /// one); <paramref name="center"/> null means θ_c = 0.
    /// </summary>
    public static void Pull(Tensor p, Tensor? center, double rate)
    {
        p.Scale_(1 - rate);
        if (center is not null) p.AddScaled_(center, rate);
    }
}
