namespace LinearizationLab.Layers;

/// <summary>
/// What an abc-parameterization does to one affine layer at its width: factors m^−a, m^−b, m^−c on the weight's and the
/// bias's forward multiplier, initial standard deviation and learning rate, relative to the base parameterization
/// (<see cref="AffineScaling"/>); <see cref="None"/> everywhere under plain NTK or standard parameterization.
/// </summary>
public sealed record AbcFactors(double WeightMultiplier, double WeightStd, double WeightRate, double BiasMultiplier, double BiasStd, double BiasRate)
{
    /// <summary>All factors 1.</summary>
    public static AbcFactors None { get; } = new(1, 1, 1, 1, 1, 1);

    /// <summary>The factors of a weight with exponents <paramref name="weight"/> at width ratio <paramref name="weightRatio"/> and of a bias with <paramref name="bias"/> at <paramref name="biasRatio"/>.</summary>
    public static AbcFactors Of(AbcExponents weight, double weightRatio, AbcExponents bias, double biasRatio, bool adam)
    {
        double Power(double m, double e) => e == 0 ? 1 : Math.Pow(m, -e);
        return new(Power(weightRatio, weight.A), Power(weightRatio, weight.B), Power(weightRatio, adam ? weight.CAdam : weight.C),
            Power(biasRatio, bias.A), Power(biasRatio, bias.B), Power(biasRatio, adam ? bias.CAdam : bias.C));
    }
}
