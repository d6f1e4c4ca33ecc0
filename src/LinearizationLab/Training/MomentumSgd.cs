using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>
/// The update rule of <see cref="OptimizerSpec"/> applied in place to a list of parameters: either from their autograd
/// gradients (<see cref="Step"/>) or fused into a hand-written reverse pass as each gradient is produced
/// (<see cref="IGradientSink"/>, then <see cref="EndStep"/>), where a weight matrix's update W ← W − η·c·δᵀa is one in-place
/// GEMM. Weight decay adds λ_p·(θ − θ_c) to each gradient as it arrives, with θ_c the model's zero
/// (<see cref="Networks.ITrainableModel.ParametersAtZero"/>) or its parameters when training starts, and λ_p = λ·s_p with s_p the
/// tensor's decay factor (1, or its effective factor m_p² under <see cref="WeightDecayForm.Effective"/>).
/// </summary>
public sealed class MomentumSgd : IOptimizer
{
    private readonly OptimizerSpec _spec;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor?[] _centers;
    private readonly bool[] _received;
    private readonly bool _ownsCenters;
    private readonly double[] _rates;
    private readonly double[] _decay;
    private Tensor[]? _velocity;
    private Tensor?[]? _gradient;

    /// <summary>
    /// Optimizes <paramref name="parameters"/> (leaf tensors with requires_grad); <paramref name="zero"/> is where the network's
    /// θ = 0 in these parameters' coordinates (null: at 0), the center of weight decay toward 0; <paramref name="rates"/> each
    /// tensor's learning rate relative to η (null: all 1), as an abc-parameterization sets them; <paramref name="decayScales"/> each
    /// tensor's factor s_p of λ (null: all 1), as parameterization-aware decay sets them.
    /// </summary>
    public MomentumSgd(OptimizerSpec spec, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor?>? zero = null, IReadOnlyList<double>? rates = null,
        IReadOnlyList<double>? decayScales = null)
    {
        if (!spec.IsResolved)
            throw new InvalidOperationException("the learning rate is a fraction of η_crit that has not been resolved");
        _rates = spec.LearningRates(parameters.Count, rates);
        _spec = spec;
        _parameters = parameters;
        _received = new bool[parameters.Count];
        _decay = WeightDecayCenters.Rates(spec, parameters.Count, decayScales);
        (_centers, _ownsCenters) = WeightDecayCenters.For(spec, parameters, zero);
    }

    /// <summary>θ ← θ − η·v (heavy-ball) or θ ← θ − η·(g + μ·v) (Nesterov), with v ← μ·v + g, for g the autograd gradients; then clears them.</summary>
    public void Step() => IOptimizer.StepFromGradients(this, _parameters);

    /// <summary>
    /// The same rule for g = c·δᵀa; plain gradient descent adds (−η·c·δ)ᵀa to W in one GEMM, without forming g. A weight of more
    /// than two axes (a conv's [C_out, C_in, k…]) is updated as the matrix [δ's columns, a's columns] it is stored as.
    /// </summary>
    public void AddProduct(int index, Tensor delta, Tensor input, double c)
    {
        using var noGrad = no_grad();
        _received[index] = true;
        var p = _parameters[index];
        if (_spec.Momentum == 0)
        {
            Decay(index, p);
            delta.Scale_(-Rate(index) * c);
            p.AsProductMatrix(delta, input).addmm_(delta.t(), input, 1, 1);
            return;
        }
        delta.Scale_(c);
        if (!_spec.Nesterov)
        {
            var v = Velocity(index).Scale_(_spec.Momentum);
            DecayInto(v, index);
            v.AsProductMatrix(delta, input).addmm_(delta.t(), input, 1, 1);
            p.AddScaled_(v, -Rate(index));
            return;
        }
        var g = Gradient(index);
        g.AsProductMatrix(delta, input).addmm_(delta.t(), input, 0, 1);
        DecayInto(g, index);
        ApplyNesterov(index, g);
    }

    /// <summary>The same rule for g = c·<paramref name="gradient"/>.</summary>
    public void Add(int index, Tensor gradient, double c)
    {
        using var noGrad = no_grad();
        _received[index] = true;
        var p = _parameters[index];
        if (_spec.Momentum == 0)
        {
            Decay(index, p);
            p.AddScaled_(gradient, -Rate(index) * c);
            return;
        }
        if (!_spec.Nesterov)
        {
            var v = Velocity(index).Scale_(_spec.Momentum);
            DecayInto(v, index);
            v.AddScaled_(gradient, c);
            p.AddScaled_(v, -Rate(index));
            return;
        }
        var g = Gradient(index).copy_(gradient);
        g.Scale_(c);
        DecayInto(g, index);
        ApplyNesterov(index, g);
    }

    /// <summary>
    /// Ends a step of the hand-written passes: a parameter that received no gradient (∇L = 0 there, e.g. a coefficient the
    /// loss does not reach) still takes the step of its weight decay and momentum.
    /// </summary>
    public void EndStep()
    {
        if (_spec.WeightDecay != 0 || _spec.Momentum != 0)
            for (int i = 0; i < _parameters.Count; i++)
                if (!_received[i])
                    using (var zero = zeros_like(_parameters[i]))
                        Add(i, zero, 0);
        Array.Clear(_received);
    }

    /// <summary>η_p = η·r_p, tensor <paramref name="index"/>'s learning rate.</summary>
    private double Rate(int index) => _rates[index];

    /// <summary>θ ← θ − η·λ_p·(θ − θ_c), the decay's share of a plain gradient step (before the loss's share, so both see the old θ).</summary>
    private void Decay(int index, Tensor p)
    {
        if (_decay[index] != 0) WeightDecayCenters.Pull(p, _centers[index], Rate(index) * _decay[index]);
    }

    /// <summary>g ← g + λ_p·(θ − θ_c).</summary>
    private void DecayInto(Tensor g, int index)
    {
        double lambda = _decay[index];
        if (lambda == 0) return;
        g.AddScaled_(_parameters[index], lambda);
        if (_centers[index] is { } center) g.AddScaled_(center, -lambda);
    }

    /// <summary>v ← μ·v + g; θ ← θ − η·g − η·μ·v.</summary>
    private void ApplyNesterov(int index, Tensor g)
    {
        var v = Velocity(index).Scale_(_spec.Momentum).Plus_(g);
        _parameters[index].AddScaled_(g, -Rate(index)).AddScaled_(v, -Rate(index) * _spec.Momentum);
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
        if (_ownsCenters)
            foreach (var t in _centers) t?.Dispose();
    }
}
