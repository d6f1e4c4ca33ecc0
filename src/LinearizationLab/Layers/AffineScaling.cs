namespace LinearizationLab.Layers;

/// <summary>
/// The parameterization rule for an affine layer z = m_W·W⋆a + m_b·b with W ~ N(0, σ_W²), b ~ N(0, σ_b²), written once:
/// the forward multipliers, the initial standard deviations, and the infinite-width affine kernel map they imply
/// (neural-tangents' <c>parameterization</c>; Jacot et al. 2018; Sohl-Dickstein et al. 2020).
/// NTK: m_W = w_std/√fan_in, m_b = b_std, σ = 1. Standard: m = 1, σ_W = w_std/√fan_in, σ_b = b_std.
/// With K, Θ the (patch-averaged) input kernels: K ← m_W²σ_W²·fan_in·K + m_b²σ_b² = w²K + b², and
/// Θ ← m_W²·fan_in·K + m_b² + w²Θ (NTK: w²K + b² + w²Θ; standard: fan_in·K + 1 + w²Θ).
/// Under an abc-parameterization (<see cref="AbcFactors"/>) the multipliers and deviations take their width factors, and
/// the NTK's own terms their learning-rate factors r: Θ̂ = J·diag(η_p/η)·Jᵀ is the kernel of the training dynamics.
/// </summary>
/// <param name="WeightMultiplier">m_W, applied to W⋆a in the forward pass.</param>
/// <param name="BiasMultiplier">m_b, applied to b.</param>
/// <param name="WeightInitStd">σ_W, the standard deviation of W at initialization.</param>
/// <param name="BiasInitStd">σ_b, the standard deviation of b at initialization.</param>
/// <param name="NngpWeight">w² = m_W²σ_W²·fan_in, the factor of K in the NNGP (and of Θ in the NTK).</param>
/// <param name="NngpBias">b² = m_b²σ_b².</param>
/// <param name="NtkWeight">m_W²·fan_in, the factor of K in the NTK (the weights' own gradient term).</param>
/// <param name="NtkBias">m_b²·r_b, the biases' own gradient term.</param>
/// <param name="WeightRate">r_W, the weights' learning rate relative to the optimizer's η.</param>
/// <param name="BiasRate">r_b, the biases' learning rate relative to η.</param>
public readonly record struct AffineScaling(double WeightMultiplier, double BiasMultiplier, double WeightInitStd, double BiasInitStd,
    double NngpWeight, double NngpBias, double NtkWeight, double NtkBias, double WeightRate = 1, double BiasRate = 1)
{
    /// <summary>
    /// The scaling of a layer with <paramref name="wStd"/>, <paramref name="bStd"/> and <paramref name="fanIn"/> under
    /// <paramref name="parameterization"/>, with the width factors <paramref name="abc"/> of an abc-parameterization (none: 1).
    /// </summary>
    public static AffineScaling For(Parameterization parameterization, double wStd, double bStd, int fanIn, AbcFactors? abc = null)
    {
        double w2 = wStd * wStd, b2 = bStd * bStd;
        var plain = parameterization == Parameterization.Ntk
            ? new AffineScaling(wStd / Math.Sqrt(fanIn), bStd, 1.0, 1.0, w2, b2, w2, b2)
            : new AffineScaling(1.0, 1.0, wStd / Math.Sqrt(fanIn), bStd, w2, b2, fanIn, 1.0);
        if (abc is null || abc == AbcFactors.None) return plain;
        double wf = abc.WeightMultiplier * abc.WeightStd, bf = abc.BiasMultiplier * abc.BiasStd;
        return new AffineScaling(plain.WeightMultiplier * abc.WeightMultiplier, plain.BiasMultiplier * abc.BiasMultiplier,
            plain.WeightInitStd * abc.WeightStd, plain.BiasInitStd * abc.BiasStd,
            plain.NngpWeight * wf * wf, plain.NngpBias * bf * bf,
            plain.NtkWeight * abc.WeightMultiplier * abc.WeightMultiplier * abc.WeightRate,
            plain.NtkBias * abc.BiasMultiplier * abc.BiasMultiplier * abc.BiasRate, abc.WeightRate, abc.BiasRate);
    }

    /// <summary>The affine kernel map on one entry: (K, Θ) ↦ (w²K + b², m_W²·fan_in·K + m_b² + w²Θ).</summary>
    public (double Nngp, double Ntk) Kernel(double k, double theta) =>
        (NngpWeight * k + NngpBias, NtkWeight * k + NtkBias + NngpWeight * theta);
}
