namespace LinearizationLab.Architecture;

/// <summary>A layer with weights and biases (dense or conv): z = w_std/√fan_in · W·a + b_std · b under NTK parameterization.</summary>
public abstract record AffineLayerSpec(double WStd, double BStd) : LayerSpec
{
    /// <summary>Number of weights feeding one output unit: d for dense, C_in·|filter| for conv.</summary>
    public abstract int FanIn(int[] input);

    /// <summary>Multiplier applied to W·a in the forward pass: w_std/√fan_in (NTK) or 1 (standard).</summary>
    public double WeightMultiplier(Parameterization p, int[] input) =>
        p == Parameterization.Ntk ? WStd / Math.Sqrt(FanIn(input)) : 1.0;

    /// <summary>Multiplier applied to b: b_std (NTK) or 1 (standard).</summary>
    public double BiasMultiplier(Parameterization p) => p == Parameterization.Ntk ? BStd : 1.0;

    /// <summary>Standard deviation of W at initialization: 1 (NTK) or w_std/√fan_in (standard).</summary>
    public double WeightInitStd(Parameterization p, int[] input) =>
        p == Parameterization.Ntk ? 1.0 : WStd / Math.Sqrt(FanIn(input));

    /// <summary>Standard deviation of b at initialization: 1 (NTK) or b_std (standard).</summary>
    public double BiasInitStd(Parameterization p) => p == Parameterization.Ntk ? 1.0 : BStd;
}
