namespace LinearizationLab.Training;

/// <summary>
/// What weight decay penalizes (config field <c>weight_decay_form</c>): the parameters as drawn, or the effective parameters
/// the forward pass uses (Lee et al. 2020, "Finite versus infinite neural networks", §3: L2 on an NTK-parameterized network's
/// N(0, 1) parameters is not the L2 of the same function in standard parameterization).
/// </summary>
public enum WeightDecayForm
{
    /// <summary>½λ‖θ − θ_c‖² on the parameters as drawn: PyTorch's weight decay, the default.</summary>
    Parameter,

    /// <summary>
    /// ½λ·Σ_p m_p²‖θ_p − θ_c,p‖² with m_p the multiplier the forward pass applies to tensor p (w_std/√fan_in for an
    /// NTK-parameterized weight, b_std for its bias; 1 under standard parameterization): L2 on the effective weights m_p·θ_p,
    /// so an NTK-parameterized network decays as its standard-parameterized twin does.
    /// </summary>
    Effective,
}
