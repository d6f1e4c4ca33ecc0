namespace LinearizationLab.Layers;

/// <summary>How weights are scaled (Jacot et al. 2018; neural-tangents' <c>parameterization</c>).</summary>
public enum Parameterization
{
    /// <summary>Weights and biases N(0,1); a layer computes w_std/√fan_in · W·a + b_std · b.</summary>
    Ntk,

    /// <summary>Weights N(0, w_std²/fan_in), biases N(0, b_std²); a layer computes W·a + b.</summary>
    Standard,
}
