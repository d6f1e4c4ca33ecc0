using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Inference;

/// <summary>
/// The <c>search</c> section of a gp config (<c>lab gp --search</c>): MLPs of <c>activation</c> with every depth of
/// <c>depths</c> (hidden layers) and every (σ_w², σ_b²) of <c>w_var</c> × <c>b_var</c> on all layers (NTK parameterization),
/// each NNGP posterior at every σ² of <c>noise</c>, scored on <c>validation_size</c> training examples held out by a
/// permutation seeded with <c>seed</c> (Lee et al. 2018 chose their MNIST hyperparameters this way).
/// </summary>
/// <param name="Activation">φ of every hidden layer.</param>
/// <param name="Depths">Hidden layers, ascending.</param>
/// <param name="WeightVariances">σ_w² values.</param>
/// <param name="BiasVariances">σ_b² values.</param>
/// <param name="Noise">σ² values added to K's diagonal.</param>
/// <param name="ValidationSize">Training examples held out for validation.</param>
/// <param name="Seed">Seed of the validation split.</param>
public sealed record GpSearchSpec(Activation Activation, int[] Depths, double[] WeightVariances, double[] BiasVariances,
    double[] Noise, int ValidationSize, long Seed)
{
    /// <summary>Reads and validates the section.</summary>
    public static GpSearchSpec Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string name = s.String("activation", "relu", [.. Activation.All.Select(a => a.Name)]);
        int[] depths = s.IntArray("depths", min: 1) ?? throw s.Error("depths", "is required (hidden layers to try)");
        double[] w = s.DoubleArray("w_var") ?? throw s.Error("w_var", "is required (σ_w² values)");
        double[] b = s.DoubleArray("b_var") ?? throw s.Error("b_var", "is required (σ_b² values)");
        double[] noise = s.DoubleArray("noise") ?? [1e-10];
        if (depths.Length == 0 || w.Length == 0 || b.Length == 0 || noise.Length == 0)
            throw s.Error(depths.Length == 0 ? "depths" : w.Length == 0 ? "w_var" : b.Length == 0 ? "b_var" : "noise", "must list at least one value");
        if (w.Any(v => !(v > 0))) throw s.Error("w_var", "variances must be positive");
        if (b.Any(v => !(v >= 0))) throw s.Error("b_var", "variances must be non-negative");
        if (noise.Any(v => !(v >= 0))) throw s.Error("noise", "must be non-negative");
        int validation = s.Int("validation_size", min: 1);
        long seed = s.Long("seed", 0);
        s.RejectUnknownFields();
        return new GpSearchSpec(Activation.ByName(name), depths.Distinct().Order().ToArray(), w, b, noise, validation, seed);
    }
}
