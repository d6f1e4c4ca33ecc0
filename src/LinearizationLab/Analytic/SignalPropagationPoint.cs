namespace LinearizationLab.Analytic;

/// <summary>
/// Signal propagation at one (σ_w², σ_b²) (<see cref="SignalPropagation.At"/>). ξ's are +∞ where perturbations do not
/// decay (χ ≥ 1). Where the length map runs away (q* = +∞) or dies (q* = 0) the other maps are taken at the input variance.
/// </summary>
/// <param name="WeightVariance">σ_w².</param>
/// <param name="BiasVariance">σ_b².</param>
/// <param name="QStar">q*, the fixed point of the length map.</param>
/// <param name="CStar">c*, the stable fixed point of the correlation map (1 in the ordered phase).</param>
/// <param name="Chi1">χ₁ = σ_w²·E[φ′(√q*·z)²]; the order–chaos boundary is χ₁ = 1.</param>
/// <param name="ChiC">χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at correlation c*.</param>
/// <param name="ChiQ">χ_q, the slope of the length map at q*.</param>
/// <param name="XiQ">ξ_q = −1/ln χ_q.</param>
/// <param name="XiQFit">ξ_q fitted to the length map's convergence from 2q*.</param>
/// <param name="XiC">ξ_c = −1/ln χ_c.</param>
/// <param name="XiCFit">ξ_c fitted to the correlation map's convergence from c = 0.5.</param>
/// <param name="NtkDiagonal">Θ(x, x) after the depth's layers.</param>
/// <param name="NtkCorrelation">Θ(x, x′)/Θ(x, x) there, for inputs of correlation 0.5 (1: the kernel has become degenerate).</param>
/// <param name="NtkGrowth">Θ(x, x)'s growth factor per layer over the second half of the depth (χ₁ asymptotically when χ₁ &gt; 1).</param>
public sealed record SignalPropagationPoint(
    double WeightVariance, double BiasVariance, double QStar, double CStar, double Chi1, double ChiC, double ChiQ,
    double XiQ, double XiQFit, double XiC, double XiCFit, double NtkDiagonal, double NtkCorrelation, double NtkGrowth);
