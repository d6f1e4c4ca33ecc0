using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// What a traced jet hands back for each parameter unit: its input at the expansion point a_0, its input's Taylor coefficients
/// [a_1, …, a_k] and its output's [z_1, …, z_k] (null where 0), part of the autograd graph. The kernel of a Taylor model pairs
/// ∂f_k/∂z_j with a_(j−1), as the structured NTK pairs ∂f/∂z with a.
/// </summary>
public sealed class JetTrace
{
    private readonly List<TracedUnitJet> _units = [];

    /// <summary>One entry per parameter unit, in order.</summary>
    public IReadOnlyList<TracedUnitJet> Units => _units;

    /// <summary>Records a unit's point input and its input and output coefficients.</summary>
    public void Record(ParameterUnit unit, Tensor pointInput, Tensor?[] inputCoefficients, Tensor?[] outputCoefficients) =>
        _units.Add(new TracedUnitJet(unit, pointInput, inputCoefficients, outputCoefficients));
}

/// <summary>The point input and the Taylor coefficients (orders 1…k) of a parameter unit's input and output.</summary>
public sealed record TracedUnitJet(ParameterUnit Unit, Tensor PointInput, IReadOnlyList<Tensor?> InputCoefficients,
    IReadOnlyList<Tensor?> OutputCoefficients);
