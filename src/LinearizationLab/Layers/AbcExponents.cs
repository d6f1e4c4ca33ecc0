namespace LinearizationLab.Layers;

/// <summary>
/// The exponents of one kind of tensor in an abc-parameterization (Yang &amp; Hu 2021, "Feature learning in infinite-width
/// neural networks", §3), relative to the base parameterization at the base width n0: with m = n/n0 the tensor's forward
/// multiplier is scaled by m^−a, its initial standard deviation by m^−b and its learning rate by m^−c — c for SGD-like
/// optimizers (GD, SGD, momentum), c_Adam for Adam, whose step does not scale with the gradient.
/// </summary>
/// <param name="A">a: the multiplier's exponent.</param>
/// <param name="B">b: the initial standard deviation's exponent.</param>
/// <param name="C">c: the learning rate's exponent under SGD.</param>
/// <param name="CAdam">c under Adam.</param>
public readonly record struct AbcExponents(double A, double B, double C, double CAdam)
{
    /// <summary>All exponents 0: the base parameterization at every width.</summary>
    public static AbcExponents Zero => default;

    /// <summary>Whether every exponent is 0.</summary>
    public bool IsZero => A == 0 && B == 0 && C == 0 && CAdam == 0;

    /// <summary>
    /// The same parameterization written another way (Yang &amp; Hu 2021, eq. 3): a → a + θ, b → b − θ, c → c − 2θ under SGD and
    /// c − θ under Adam leave the function and its training trajectory unchanged.
    /// </summary>
    public AbcExponents Shifted(double theta) => new(A + theta, B - theta, C - 2 * theta, CAdam - theta);
}
