using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// The tensors one layer keeps from step to step for the hand-written passes of a fixed batch size: its output, φ′ at
/// its input (activations), ∂L/∂input, and any further tensors a layer names itself (<see cref="Named"/>, e.g. layer_norm's
/// 1/√(σ²+ε)). They are allocated once, outside any dispose scope, and overwritten in place, so a training step allocates
/// nothing activation- or parameter-sized.
/// </summary>
public sealed class LayerBuffers : IDisposable
{
    private Tensor? _view, _output, _derivative, _secondDerivative, _thirdDerivative, _inputGradient;
    private readonly List<LayerBuffers> _children = [];
    private readonly List<Tensor?> _childInputs = [];
    private readonly List<Tensor?> _branchGradients = [];
    private readonly List<Tensor?> _branchOutputs = [];
    private readonly Dictionary<string, Tensor?> _named = [];

    /// <summary>The output buffer, of <paramref name="shape"/> and <paramref name="like"/>'s dtype and device.</summary>
    public Tensor Output(long[] shape, Tensor like) => Ensure(ref _output, shape, like);

    /// <summary>
    /// Keeps <paramref name="view"/> (a view of a tensor that outlives the pass, e.g. flatten's reshaped input) out of the caller's
    /// dispose scope until the next call, so that a pass stored across steps (the linearization's point) can still read it.
    /// </summary>
    public Tensor View(Tensor view)
    {
        _view?.Dispose();
        _view = view.DetachFromDisposeScope();
        return _view;
    }

    /// <summary>φ′ evaluated at the layer's input (activation layers), shaped like the input.</summary>
    public Tensor Derivative(long[] shape, Tensor like) => Ensure(ref _derivative, shape, like);

    /// <summary>φ″ (<paramref name="order"/> 2) or φ‴ (3) at the layer's input, for the jets of Taylor models.</summary>
    public Tensor HigherDerivative(int order, long[] shape, Tensor like) => order switch
    {
        2 => Ensure(ref _secondDerivative, shape, like),
        3 => Ensure(ref _thirdDerivative, shape, like),
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "2 or 3"),
    };

    /// <summary>φ″ or φ‴ as last written by a jet's expansion point.</summary>
    public Tensor StoredHigherDerivative(int order) => (order == 2 ? _secondDerivative : order == 3 ? _thirdDerivative : null)
        ?? throw new InvalidOperationException($"the expansion point has not stored derivative {order} in these buffers");

    /// <summary>The buffer that receives ∂L/∂input.</summary>
    public Tensor InputGradient(long[] shape, Tensor like) => Ensure(ref _inputGradient, shape, like);

    /// <summary>φ′ as last written by the forward pass.</summary>
    public Tensor StoredDerivative => _derivative ?? throw new InvalidOperationException("the forward pass has not stored φ′ in these buffers");

    /// <summary>The buffers of the layer in slot <paramref name="slot"/> inside a block (created on first use).</summary>
    public LayerBuffers Child(int slot)
    {
        while (_children.Count <= slot) _children.Add(new LayerBuffers());
        return _children[slot];
    }

    /// <summary>Records the input the layer in slot <paramref name="slot"/> saw (a reference: it must outlive the pass).</summary>
    public void SetChildInput(int slot, Tensor input)
    {
        while (_childInputs.Count <= slot) _childInputs.Add(null);
        _childInputs[slot] = input;
    }

    /// <summary>The input the layer in slot <paramref name="slot"/> saw in the last pass.</summary>
    public Tensor ChildInput(int slot) => slot < _childInputs.Count && _childInputs[slot] is { } t ? t
        : throw new InvalidOperationException("no forward pass has been stored in this block's buffers");

    /// <summary>Records a block's branch <paramref name="branch"/> output in the last pass (a reference).</summary>
    public void SetBranchOutput(int branch, Tensor output)
    {
        while (_branchOutputs.Count <= branch) _branchOutputs.Add(null);
        _branchOutputs[branch] = output;
    }

    /// <summary>A block's branch output in the last pass.</summary>
    public Tensor BranchOutput(int branch) => branch < _branchOutputs.Count && _branchOutputs[branch] is { } t ? t
        : throw new InvalidOperationException("no forward pass has been stored in this block's buffers");

    /// <summary>A block's copy of ∂L/∂output for its branch <paramref name="branch"/> (a sum hands each branch its own).</summary>
    public Tensor BranchGradient(int branch, long[] shape, Tensor like)
    {
        while (_branchGradients.Count <= branch) _branchGradients.Add(null);
        var slot = _branchGradients[branch];
        var t = Ensure(ref slot, shape, like);
        _branchGradients[branch] = slot;
        return t;
    }
    /// <summary>
    /// A tensor the layer keeps under <paramref name="name"/> (statistics of its forward pass, scratch space), of
    /// <paramref name="shape"/> and <paramref name="like"/>'s dtype and device; reallocated only when those change.
    /// </summary>
    public Tensor Named(string name, long[] shape, Tensor like)
    {
        var slot = _named.GetValueOrDefault(name);
        var tensor = Ensure(ref slot, shape, like);
        _named[name] = tensor;
        return tensor;
    }

    /// <summary>The tensor last written under <paramref name="name"/> (<see cref="Named"/>).</summary>
    public Tensor StoredNamed(string name) => _named.GetValueOrDefault(name)
        ?? throw new InvalidOperationException($"no tensor '{name}' has been stored in these buffers");

    private static Tensor Ensure(ref Tensor? slot, long[] shape, Tensor like)
    {
        if (slot is not null && slot.shape.SequenceEqual(shape) && slot.dtype == like.dtype && slot.device_type == like.device_type && slot.device_index == like.device_index) return slot;
        slot?.Dispose();
        slot = empty(shape, like.dtype, like.device).DetachFromDisposeScope();
        return slot;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _view?.Dispose();
        _output?.Dispose();
        _derivative?.Dispose();
        _secondDerivative?.Dispose();
        _thirdDerivative?.Dispose();
        _inputGradient?.Dispose();
        foreach (var t in _branchGradients) t?.Dispose();
        foreach (var c in _children) c.Dispose();
        foreach (var t in _named.Values) t?.Dispose();
        _named.Clear();
    }
}
