using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The first-order Taylor expansion of a network around θ0, f_lin(x; θ) = f(x; θ0) + J0(x)(θ − θ0)
/// (Lee et al. 2019, "Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent", eq. 4).
/// J0(x)(θ − θ0) is a Jacobian-vector product in forward mode (each layer carries its tangent forward, about the cost of
/// two forward passes), so J0 is never formed and gradients reach θ as J0ᵀr by autograd through the tangent pass.
/// Its <see cref="Parameters"/> are its own leaf copies of θ starting at θ0, so the <see cref="Trainer"/>
/// trains it with the same losses and optimizers as the network.
/// </summary>
public sealed class LinearizedNetwork : ITrainableModel, IDisposable
{
    private readonly Network _network;
    private readonly Tensor[] _theta0;
    private readonly Tensor[] _theta;

    /// <summary>Linearizes <paramref name="network"/> around its current parameters (or <paramref name="theta0"/> when given).</summary>
    public LinearizedNetwork(Network network, IReadOnlyList<Tensor>? theta0 = null)
    {
        _network = network;
        var source = theta0 ?? network.Parameters;
        if (source.Count != network.Parameters.Count)
            throw new ArgumentException($"expected {network.Parameters.Count} parameter tensors, got {source.Count}");
        _theta0 = source.Select(p => p.detach().clone()).ToArray();
        _theta = source.Select(p => p.detach().clone().requires_grad_(true)).ToArray();
    }

    /// <summary>The network that was linearized.</summary>
    public Network Network => _network;

    /// <summary>θ0, detached (not trained).</summary>
    public IReadOnlyList<Tensor> InitialParameters => _theta0;

    /// <summary>θ, trained; same order and shapes as the network's parameters.</summary>
    public IReadOnlyList<Tensor> Parameters => _theta;

    /// <summary>f_lin(x; θ) = f(x; θ0) + J0(x)(θ − θ0) for x [N, ...] → [N, O]; differentiable with respect to θ.</summary>
    public Tensor Forward(Tensor x) => Forward(x, _theta);

    /// <summary>f_lin(x; θ') at any θ' of the parameters' shapes (differentiable with respect to θ' when it requires grad).</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> theta)
    {
        using var scope = NewDisposeScope();
        var delta = theta.Select((t, i) => t - _theta0[i]).ToArray();
        var (f0, jvp) = _network.Jvp(x, _theta0, delta);
        return (f0 + jvp).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// f(x; θ0) and the Jacobian-vector product J0(x)·u for u in parameter space (tensors shaped like θ), by forward-mode
    /// tangent propagation (<see cref="Network.Jvp"/>); J0·u is differentiable in u. Results join the caller's dispose scope.
    /// </summary>
    public (Tensor F0, Tensor Jvp) Jvp(Tensor x, IReadOnlyList<Tensor> u) => _network.Jvp(x, _theta0, u);

    /// <summary>Sets θ back to θ0.</summary>
    public void Reset()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _theta.Length; i++) _theta[i].copy_(_theta0[i]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in _theta0.Concat(_theta)) t.Dispose();
    }
}
