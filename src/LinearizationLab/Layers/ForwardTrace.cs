using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// What a traced forward pass hands back for each parameter unit (a leaf layer with parameters, inside blocks too): its input a
/// and its output z (both [N, ...], part of the autograd graph), in the order the units own their tensors. The structured NTK
/// backpropagates to the z and pairs them with the a (<see cref="Layer.StructuredNtkTerm(LayerContext, Tensor, Tensor, Tensor, Tensor, int, bool)"/>).
/// </summary>
public sealed class ForwardTrace
{
    private readonly List<TracedUnit> _units = [];

    /// <summary>One entry per parameter unit, in order.</summary>
    public IReadOnlyList<TracedUnit> Units => _units;

    /// <summary>Records a unit's input and output.</summary>
    public void Record(ParameterUnit unit, Tensor input, Tensor output) => _units.Add(new TracedUnit(unit, input, output));
}

/// <summary>Input a and output z of parameter unit <paramref name="Unit"/> in one forward pass.</summary>
public sealed record TracedUnit(ParameterUnit Unit, Tensor Input, Tensor Output);
