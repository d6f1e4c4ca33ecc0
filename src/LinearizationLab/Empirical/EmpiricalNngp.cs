using LinearizationLab.Layers;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>
/// The empirical NNGP kernel of a network: the covariance of its readout pre-activation over the readout layer's
/// initial distribution given the features a(x) that feed it, K(x, x') = E[z_k(x) z_k(x')] (<see cref="Layer.ReadoutNngp"/>):
/// for a dense or conv readout (m_W·σ_W)²·a(x)·a(x') + (m_b·σ_b)², with a the readout's input flattened, m the forward
/// multipliers and σ the initial standard deviations — w_std²/fan_in·a·a' + b_std² in both parameterizations. The readout is
/// the network's last parameter unit (inside a block too).
/// </summary>
public static class EmpiricalNngp
{
    /// <summary>K(x1, x2) [N1, N2] in float64 at <paramref name="parameters"/> (default: the network's θ); x2 null means x1.</summary>
    public static double[,] Compute(Network network, Tensor x1, Tensor? x2 = null, IReadOnlyList<Tensor>? parameters = null)
    {
        using var scope = NewDisposeScope();
        return KernelTensors.ToMatrix(ComputeTensor(network, x1, x2, parameters));
    }

    /// <summary>K(x1, x2) as a tensor [N1, N2] in the network's dtype (joins the caller's dispose scope).</summary>
    public static Tensor ComputeTensor(Network network, Tensor x1, Tensor? x2 = null, IReadOnlyList<Tensor>? parameters = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var theta = parameters ?? network.Parameters;
        var readout = network.ParameterUnits[^1];
        var a1 = ReadoutInput(network, x1, theta);
        var a2 = x2 is null ? a1 : ReadoutInput(network, x2, theta);
        return readout.Layer.ReadoutNngp(readout.Context, a1, a2).MoveToOuterDisposeScope();
    }

    private static Tensor ReadoutInput(Network network, Tensor x, IReadOnlyList<Tensor> theta)
    {
        var trace = new ForwardTrace();
        network.Forward(x, theta, trace);
        return trace.Units[^1].Input;
    }
}
