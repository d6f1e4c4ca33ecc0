using LinearizationLab.Layers;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The first-order Taylor expansion of a network around θ0, f_lin(x; θ) = f(x; θ0) + J0(x)(θ − θ0)
/// (Lee et al. 2019, "Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent", eq. 4).
/// J0(x)·Δθ is a Jacobian-vector product in forward mode (each layer carries its tangent forward), so J0 is never formed.
/// Its <see cref="Parameters"/> are the displacement Δθ = θ − θ0 (starting at 0), which the <see cref="Trainer"/> trains with
/// the same losses and optimizers as the network: the gradient with respect to Δθ is the gradient with respect to θ.
/// In training, the forward pass at θ0 on a full batch is done once (f(x; θ0), the activations and φ′ are constants), so
/// a step costs the tangent pass (two GEMMs per hidden layer) and its transpose J0ᵀr by hand (<see cref="IBackpropModel"/>).
/// </summary>
public sealed class LinearizedNetwork : IBackpropModel, IDisplacementModel, IDisposable
{
    private readonly Network _network;
    private readonly ParameterDisplacement _displacement;
    private readonly Tensor[] _theta0;
    private readonly Tensor[] _delta;
    private readonly BackpropWorkspace _point;
    private readonly BackpropWorkspace _tangent;
    private readonly LayerBuffers _output = new();
    private bool _pointValid;

    /// <summary>Linearizes <paramref name="network"/> around its current parameters (or <paramref name="theta0"/> when given).</summary>
    public LinearizedNetwork(Network network, IReadOnlyList<Tensor>? theta0 = null)
    {
        _network = network;
        _displacement = new ParameterDisplacement(network, theta0);
        (_theta0, _delta) = (_displacement.Origin, _displacement.Delta);
        _point = new BackpropWorkspace(network.Layers.Count);
        _tangent = new BackpropWorkspace(network.Layers.Count);
    }

    /// <summary>The network that was linearized.</summary>
    public Network Network => _network;

    /// <summary>θ0, detached (not trained).</summary>
    public IReadOnlyList<Tensor> InitialParameters => _theta0;

    /// <summary>The trained displacement Δθ = θ − θ0; same order and shapes as the network's parameters.</summary>
    public IReadOnlyList<Tensor> Parameters => _delta;

    /// <summary>θ = θ0 + Δθ, detached copies.</summary>
    public Tensor[] CurrentParameters() => _displacement.Current();

    /// <inheritdoc/>
    public double DisplacementNorm() => _displacement.Norm();

    /// <summary>−θ0: Δθ where θ = 0, the center of weight decay toward 0.</summary>
    public IReadOnlyList<Tensor?>? ParametersAtZero => _displacement.AtZero;

    /// <summary>The network's: Δθ takes the learning rates θ does.</summary>
    public IReadOnlyList<double>? LearningRateScales => _network.LearningRateScales;

    /// <summary>The network's: Δθ_p decays with θ_p's factor.</summary>
    public IReadOnlyList<double>? EffectiveDecayScales => _network.EffectiveDecayScales;

    /// <summary>f_lin(x; θ) = f(x; θ0) + J0(x)·Δθ for x [N, ...] → [N, O]; differentiable with respect to Δθ.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (f0, jvp) = _network.Jvp(x, _theta0, _delta);
        return f0.Plus(jvp).MoveToOuterDisposeScope();
    }

    /// <summary>f_lin(x; θ') at any θ' of the parameters' shapes (differentiable with respect to θ' when it requires grad).</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> theta)
    {
        using var scope = NewDisposeScope();
        var delta = theta.Select((t, i) => t - _theta0[i]).ToArray();
        var (f0, jvp) = _network.Jvp(x, _theta0, delta);
        return f0.Plus(jvp).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// f(x; θ0) and the Jacobian-vector product J0(x)·u for u in parameter space (tensors shaped like θ), by forward-mode
    /// tangent propagation (<see cref="Network.Jvp"/>); J0·u is differentiable in u. Results join the caller's dispose scope.
    /// </summary>
    public (Tensor F0, Tensor Jvp) Jvp(Tensor x, IReadOnlyList<Tensor> u) => _network.Jvp(x, _theta0, u);

    /// <summary>Wherever the network has the hand-written passes: the linearization's step is their tangent pass and its transpose.</summary>
    public bool TrainsByHand => _network.SupportsBackprop;

    /// <summary>f_lin(x) = f(x; θ0) + J0(x)·Δθ: the pass at θ0 is redone only for a new batch, the tangent pass every step.</summary>
    public Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null)
    {
        if (!sameBatch || !_pointValid)
        {
            _network.ForwardInto(x, _theta0, _point);
            _pointValid = true;
        }
        var f0 = _point.Output!;
        var tangent = _network.TangentInto(_point, _theta0, _delta, _tangent);
        return _output.Output(f0.shape, f0).copy_(f0).Plus_(tangent);
    }

    /// <summary>∂L/∂Δθ = J0ᵀ·δ: the transpose of the tangent map, backpropagation through the pass at θ0.</summary>
    public void Backprop(Tensor outputGradient, IGradientSink sink) => _network.Backprop(outputGradient, _theta0, _point, sink);

    /// <summary>Sets θ back to θ0.</summary>
    public void Reset() => _displacement.Reset();

    /// <inheritdoc/>
    public void Dispose()
    {
        _displacement.Dispose();
        _point.Dispose();
        _tangent.Dispose();
        _output.Dispose();
    }
}
