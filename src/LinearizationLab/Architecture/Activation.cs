namespace LinearizationLab.Architecture;

/// <summary>Elementwise nonlinearities of arch.json.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>erf(x) (not erf(x/√2); see KERNEL-CONVENTIONS.md).</summary>
    Erf,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>x.</summary>
    Identity,
}
