using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// A model centered at initialization, f_c(x; θ) = f(x; θ) − f(x; θ0) (Lee et al. 2020, "Finite versus infinite neural
/// networks", §3: centering removes the random function f(x; θ0) that a finite network keeps in its predictions). Any
/// model trained from θ0 can be centered: the network, its linearization in either space, the Taylor models. The gradients
/// are the model's own (f(x; θ0) does not depend on θ), so the same optimizer trains the same parameters; only the outputs
/// and the loss see f_c. Centered, the linearization is f_lin − f0 = J0·Δθ, whose limit under gradient descent on MSE is
/// kernel regression with Θ̂0, and whose infinite-width counterpart is the NTK-GP mean with prior mean 0.
/// f(x; θ0) is computed once for the sets the model is built with (the training set, whose rows a minibatch names, and
/// e.g. the test set) and by a forward pass at θ0 on any other input.
/// </summary>
public sealed class CenteredModel : IBackpropModel, IKnownInputsModel, IDisposable
{
    private readonly ITrainableModel _model;
    private readonly Network _network;
    private readonly IReadOnlyList<Tensor> _theta0;
    private readonly (Tensor X, Tensor F0)[] _sets;
    private readonly LayerBuffers _output = new();
    private Tensor? _batchF0;

    /// <summary>
    /// <paramref name="model"/> minus <paramref name="network"/>'s outputs at <paramref name="theta0"/>, knowing f(x; θ0) on the
    /// training inputs <paramref name="x"/> (first) and on <paramref name="others"/>. The caller keeps the model and the network.
    /// </summary>
    public CenteredModel(ITrainableModel model, Network network, IReadOnlyList<Tensor> theta0, Tensor x, params Tensor?[] others)
    {
        _model = model;
        _network = network;
        _theta0 = theta0;
        using var noGrad = no_grad();
        _sets = others.Prepend(x).OfType<Tensor>().Select(set => (set, network.Forward(set, theta0).detach().DetachFromDisposeScope())).ToArray();
    }

    /// <summary>The model that is centered.</summary>
    public ITrainableModel Model => _model;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _model.Parameters;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor?>? ParametersAtZero => _model.ParametersAtZero;

    /// <inheritdoc/>
    public IReadOnlyList<double>? LearningRateScales => _model.LearningRateScales;

    /// <inheritdoc/>
    public IReadOnlyList<double>? EffectiveDecayScales => _model.EffectiveDecayScales;

    /// <inheritdoc/>
    public bool TrainsByHand => _model is IBackpropModel { TrainsByHand: true };

    /// <summary>
    /// f(x; θ) − f(x; θ0), differentiable in θ while autograd records (a training step through autograd); f(x; θ0) is the kept
    /// one on the sets the model was built with, else a forward pass at θ0.
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        if (!is_grad_enabled() && OutputsOn(x) is { } known) return known;
        using var scope = NewDisposeScope();
        Tensor initial;
        using (no_grad())
            initial = _sets.FirstOrDefault(s => ReferenceEquals(s.X, x)).F0 ?? _network.Forward(x, _theta0);
        return (_model.Forward(x) - initial).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor? OutputsOn(Tensor x)
    {
        foreach (var (set, f0) in _sets)
            if (ReferenceEquals(set, x))
            {
                using var noGrad = no_grad();
                var f = _model is IKnownInputsModel known && known.OutputsOn(x) is { } outputs ? outputs : _model.Forward(x);
                return f.sub_(f0);
            }
        return null;
    }

    /// <summary>The model's step output minus f(x; θ0) on the batch's rows of the training set (all of them when null).</summary>
    public Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null)
    {
        var f = ((IBackpropModel)_model).ForwardForBackprop(x, sameBatch, rows);
        var train = _sets[0].F0;
        if (rows is null)
        {
            if (x.shape[0] != train.shape[0])
                throw new InvalidOperationException("a full batch must be the training set the centered model was built with");
            return _output.Output(f.shape, f).copy_(f).sub_(train);
        }
        _batchF0?.Dispose();
        using (var index = tensor(rows, ScalarType.Int64, train.device))
            _batchF0 = train.index_select(0, index).DetachFromDisposeScope();
        return _output.Output(f.shape, f).copy_(f).sub_(_batchF0);
    }

    /// <summary>The model's own reverse pass: ∂L/∂f_c = ∂L/∂f, since f(x; θ0) is a constant.</summary>
    public void Backprop(Tensor outputGradient, IGradientSink sink) => ((IBackpropModel)_model).Backprop(outputGradient, sink);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, f0) in _sets) f0.Dispose();
        _batchF0?.Dispose();
        _output.Dispose();
    }
}
