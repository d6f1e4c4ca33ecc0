using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>
/// The update rule of <see cref="OptimizerSpec"/> applied in place to a list of parameters: either from their autograd
/// gradients (<see cref="Step"/>) or fused into a hand-written reverse pass as each gradient is produced
/// (<see cref="IGradientSink"/>), where a weight matrix's update W ← W − η·c·δᵀa is one in-place GEMM.
/// </summary>
public sealed class MomentumSgd : IGradientSink, IDisposable
{
    private readonly OptimizerSpec _spec;
    private readonly IReadOnlyList<Tensor> _parameters;
    private Tensor[]? _velocity;
    private Tensor?[]? _gradient;

    /// <summary>Optimizes <paramref name="parameters"/> (leaf tensors with requires_grad).</summary>
    public MomentumSgd(OptimizerSpec spec, IReadOnlyList<Tensor> parameters)
    {
        if (!spec.IsResolved)
            throw new InvalidOperationException("the learning rate is a fraction of η_crit that has not been resolved");
        _spec = spec;
        _parameters = parameters;
    }

    /// <summary>θ ← θ − η·v (heavy-ball) or θ ← θ − η·(g + μ·v) (Nesterov), with v ← μ·v + g, for g the autograd gradients; then clears them.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var g = _parameters[i].grad ?? throw new InvalidOperationException("parameter has no gradient; call backward first");
            Add(i, g, 1);
            g.zero_();
        }
    }

    /// <summary>
    /// The same rule for g = c·δᵀa; plain gradient descent adds (−η·c·δ)ᵀa to W in one GEMM, without forming g. A weight of more
    /// than two axes (a conv's [C_out, C_in, k…]) is updated as the matrix [δ's columns, a's columns] it is stored as.
    /// </summary>
    public void AddProduct(int index, Tensor delta, Tensor input, double c)
    {
        using var noGrad = no_grad();
        Tensor Matrix(Tensor t) => t.view(delta.shape[1], input.shape[1]);
        var p = _parameters[index];
        if (_spec.Momentum == 0)
        {
            delta.Scale_(-_spec.LearningRate * c);
            Matrix(p).addmm_(delta.t(), input, 1, 1);
            return;
        }
        delta.Scale_(c);
        if (!_spec.Nesterov)
        {
            var v = Velocity(index).Scale_(_spec.Momentum);
            Matrix(v).addmm_(delta.t(), input, 1, 1);
            p.AddScaled_(v, -_spec.LearningRate);
            return;
        }
        var g = Gradient(index);
        Matrix(g).addmm_(delta.t(), input, 0, 1);
        ApplyNesterov(index, g);
    }

    /// <summary>The same rule for g = c·<paramref name="gradient"/>.</summary>
    public void Add(int index, Tensor gradient, double c)
    {
        using var noGrad = no_grad();
        var p = _parameters[index];
        if (_spec.Momentum == 0)
        {
            p.AddScaled_(gradient, -_spec.LearningRate * c);
            return;
        }
        if (!_spec.Nesterov)
        {
            var v = Velocity(index).Scale_(_spec.Momentum);
            v.AddScaled_(gradient, c);
            p.AddScaled_(v, -_spec.LearningRate);
            return;
        }
        var g = Gradient(index).copy_(gradient);
        g.Scale_(c);
        ApplyNesterov(index, g);
    }

    /// <summary>v ← μ·v + g; θ ← θ − η·g − η·μ·v.</summary>
    private void ApplyNesterov(int index, Tensor g)
    {
        var v = Velocity(index).Scale_(_spec.Momentum).add_(g);
        _parameters[index].AddScaled_(g, -_spec.LearningRate).AddScaled_(v, -_spec.LearningRate * _spec.Momentum);
    }

    private Tensor Velocity(int index)
    {
        _velocity ??= _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        return _velocity[index];
    }

    private Tensor Gradient(int index)
    {
        _gradient ??= new Tensor?[_parameters.Count];
        return _gradient[index] ??= empty_like(_parameters[index]).DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in (_velocity ?? []).Concat((_gradient ?? []).OfType<Tensor>())) t.Dispose();
    }
}
