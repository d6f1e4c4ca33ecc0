namespace LinearizationLab.Linearization;

/// <summary>
/// Where a sweep trains the linearization (config field <c>linearization</c>): <see cref="Auto"/> (default) picks function
/// space when it is exact and its kernels fit <see cref="FunctionSpaceLinearization.MemoryBudgetBytes"/>, parameter space
/// otherwise. Both give the same iterates to round-off; the choice only changes the cost.
/// </summary>
public enum LinearizationSpace
{
    /// <summary>Function space where exact and affordable, parameter space otherwise.</summary>
    Auto,

    /// <summary>Coefficients c with Δθ = J0ᵀc, outputs f0 + Θ̂0·c (<see cref="FunctionSpaceLinearization"/>).</summary>
    FunctionSpace,

    /// <summary>The displacement Δθ itself, by tangent and reverse passes (<see cref="LinearizedNetwork"/>).</summary>
    ParameterSpace,
}
