namespace LinearizationLab.Layers;

/// <summary>
/// A width-dependent parameterization (Yang &amp; Hu 2021's abc-parameterizations) written relative to a base — NTK or standard
/// parameterization (<see cref="AffineScaling"/>) — at a base width n0 where it coincides with it (microsoft/mup's base shapes).
/// Each affine tensor is classified by which of its dimensions grow with the width: a weight from a fixed to a growing
/// dimension is an input weight, from growing to growing a hidden weight, from growing to fixed an output (readout) weight; a
/// bias whose size grows follows <see cref="Bias"/>; a tensor with no growing dimension (the readout's bias) keeps its base
/// scaling. With m the growing dimension's ratio to its size at n0 (fan_in for hidden and output weights, fan_out for input
/// weights and biases), the tensor's multiplier, initial standard deviation and learning rate are scaled by m^−a, m^−b, m^−c.
/// </summary>
/// <param name="Name">The preset's name, or "abc" for an explicit table.</param>
/// <param name="Base">The parameterization the exponents are relative to.</param>
/// <param name="BaseWidth">n0, the hidden width at which every factor is 1.</param>
/// <param name="Input">Exponents of input weights.</param>
/// <param name="Hidden">Exponents of hidden weights.</param>
/// <param name="Output">Exponents of output (readout) weights.</param>
/// <param name="Bias">Exponents of biases whose size grows with the width.</param>
public sealed record AbcParameterization(string Name, Parameterization Base, int BaseWidth, AbcExponents Input, AbcExponents Hidden,
    AbcExponents Output, AbcExponents Bias)
{
    /// <summary>The named parameterizations: <c>ntk</c>, <c>standard</c>, <c>mup</c>, <c>mup_multiplier</c>, <c>mean_field</c>.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["ntk", "standard", "mup", "mup_multiplier", "mean_field"];

    /// <summary>Whether the learning rates follow Adam's exponents (c_Adam) rather than SGD's.</summary>
    public bool Adam { get; init; }

    /// <summary>Whether the network may have hidden weights (false for <c>mean_field</c>, the one-hidden-layer limit).</summary>
    public bool AllowsHiddenWeights { get; init; } = true;

    /// <summary>Whether every exponent is 0, so that the base parameterization holds at every width.</summary>
    public bool IsBase => Input.IsZero && Hidden.IsZero && Output.IsZero && Bias.IsZero;

    /// <summary>
    /// μP as in Tensor Programs V (Yang et al. 2022), Table 3, relative to the standard parameterization: input weights and
    /// biases keep their initialization and take learning rate ×m under SGD (×1 under Adam); hidden weights keep theirs and
    /// take ×1 under SGD, ×1/m under Adam; the readout's initial variance is ×1/m and its learning rate ×1/m under both.
    /// </summary>
    public static AbcParameterization Mup(int baseWidth) => new("mup", Parameterization.Standard, baseWidth,
        new(0, 0, -1, 0), new(0, 0, 0, 1), new(0, 0.5, 1, 1), new(0, 0, -1, 0));

    /// <summary>
    /// μP in the multiplier form of the mup package (MuReadout, MuSGD, MuAdam): the readout's output is divided by m and its
    /// initial variance is ×m, with learning rate ×m under SGD and ×1 under Adam — Table 3's readout shifted by θ = 1
    /// (<see cref="AbcExponents.Shifted"/>), so the function and its training are the same.
    /// </summary>
    public static AbcParameterization MupMultiplier(int baseWidth) =>
        Mup(baseWidth) with { Name = "mup_multiplier", Output = Mup(baseWidth).Output.Shifted(1) };

    /// <summary>
    /// The mean-field parameterization of a network with one hidden layer (Mei, Montanari &amp; Nguyen 2018; Chizat &amp; Bach
    /// 2018): f = (n0/n)·Σ_i v_i φ(u_i·x) with v of variance w_std²/n0 and every learning rate ×m under SGD — with n0 = 1 the
    /// familiar (1/n)·Σ v_i φ(u_i·x), η·n. For one hidden layer it is μP (<see cref="MupMultiplier"/>).
    /// </summary>
    public static AbcParameterization MeanField(int baseWidth) =>
        MupMultiplier(baseWidth) with { Name = "mean_field", AllowsHiddenWeights = false };

    /// <summary>The preset named <paramref name="name"/> (see <see cref="Presets"/>) at base width <paramref name="baseWidth"/>.</summary>
    public static AbcParameterization Preset(string name, int baseWidth) => name switch
    {
        "ntk" => new("ntk", Parameterization.Ntk, baseWidth, default, default, default, default),
        "standard" => new("standard", Parameterization.Standard, baseWidth, default, default, default, default),
        "mup" => Mup(baseWidth),
        "mup_multiplier" => MupMultiplier(baseWidth),
        "mean_field" => MeanField(baseWidth),
        _ => throw new ArgumentException($"unknown parameterization '{name}' ({string.Join(", ", Presets)})", nameof(name)),
    };

    /// <summary>
    /// The factors of an affine layer whose fan-in and fan-out do or do not grow with the width, at ratios
    /// <paramref name="fanInRatio"/> and <paramref name="fanOutRatio"/> to their sizes at the base width.
    /// </summary>
    public AbcFactors Factors(bool fanInGrows, bool fanOutGrows, double fanInRatio, double fanOutRatio)
    {
        var (weight, weightRatio) = (fanInGrows, fanOutGrows) switch
        {
            (false, true) => (Input, fanOutRatio),
            (true, true) => (Hidden, fanInRatio),
            (true, false) => (Output, fanInRatio),
            _ => (AbcExponents.Zero, 1.0),
        };
        var bias = fanOutGrows ? Bias : AbcExponents.Zero;
        return AbcFactors.Of(weight, weightRatio, bias, fanOutRatio, Adam);
    }
}
