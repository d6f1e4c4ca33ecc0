using LinearizationLab.Layers;

namespace LinearizationLab.Training;

/// <summary>
/// An update rule applied in place to a model's parameters: from their autograd gradients (<see cref="Step"/>), or fused
/// into a hand-written reverse pass as each gradient arrives (<see cref="IGradientSink"/>) and closed by <see cref="EndStep"/>.
/// Made by <see cref="OptimizerSpec.Create"/>.
/// </summary>
public interface IOptimizer : IGradientSink, IDisposable
{
    /// <summary>One step from the parameters' autograd gradients, which it then clears.</summary>
    void Step();

    /// <summary>Closes a step of the hand-written passes: parameters that received no gradient take the step of a zero gradient.</summary>
    void EndStep();
}
