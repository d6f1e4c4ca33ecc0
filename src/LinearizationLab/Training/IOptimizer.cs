using LinearizationLab.Layers;

namespace LinearizationLab.Training;

/// <summary>
/// An update rule applied in place to a model's parameters: from their autograd gradients (<see cref="Step"/>), or fused
/// into a hand-written reverse pass as each gradient arrives (<see cref="IGradientSink"/>) and closed by <see cref="EndStep"/>.
/// Made by <see cref="OptimizerSpec.Create(Networks.ITrainableModel)"/>.
/// </summary>
public interface IOptimizer : IGradientSink, IDisposable
{
    /// <summary>One step from the parameters' autograd gradients, which it then clears.</summary>
    void Step();

    /// <summary>Closes a step of the hand-written passes: parameters that received no gradient take the step of a zero gradient.</summary>
    void EndStep();

    /// <summary>
    /// <see cref="Step"/> for any optimizer: each parameter's autograd gradient handed over as g = 1·grad, then cleared, and the
    /// step closed.
    /// </summary>
    protected static void StepFromGradients(IOptimizer optimizer, IReadOnlyList<TorchSharp.torch.Tensor> parameters)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        for (int i = 0; i < parameters.Count; i++)
        {
            var g = parameters[i].grad ?? throw new InvalidOperationException("parameter has no gradient; call backward first");
            optimizer.Add(i, g, 1);
            g.zero_();
        }
        optimizer.EndStep();
    }
}
