using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>
/// Adam with decoupled weight decay (AdamW; Kingma &amp; Ba 2015, Loshchilov &amp; Hutter 2019), as PyTorch's <c>torch.optim.AdamW</c>:
/// <code>
///   θ ← θ − η·λ_p·(θ − θ_c);   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²;
///   θ ← θ − η·m̂/(√v̂ + ε),   m̂ = m/(1 − β₁ᵗ),   v̂ = v/(1 − β₂ᵗ),
/// </code>
/// with λ_p = λ·s_p the tensor's decay (s_p = 1, or m_p² under <see cref="WeightDecayForm.Effective"/>),
/// written as θ ← θ − (η·√(1 − β₂ᵗ)/(1 − β₁ᵗ))·m/(√v + ε·√(1 − β₂ᵗ)) (the same number, one pass fewer). Each parameter's
/// update runs when its gradient arrives, through three buffers of its shape allocated once (m, v, and one that holds g
/// and then the denominator), so a step allocates nothing parameter-sized.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly OptimizerSpec _spec;
    private readonly AdamMoments _moments;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor?[] _centers;
    private readonly bool _ownsCenters;
    private readonly bool[] _received;
    private readonly double[] _rates;
    private readonly double[] _decay;
    private readonly Tensor[] _first, _second, _scratch;
    private int _step = 1;

    /// <summary>
    /// Optimizes <paramref name="parameters"/>; <paramref name="zero"/>, <paramref name="rates"/> and <paramref name="decayScales"/> as
    /// for <see cref="MomentumSgd"/> (the decay's center toward 0; each tensor's learning rate relative to η, which scales its
    /// decoupled decay too; each tensor's factor of λ).
    /// </summary>
    public Adam(OptimizerSpec spec, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor?>? zero = null, IReadOnlyList<double>? rates = null,
        IReadOnlyList<double>? decayScales = null)
    {
        if (!spec.IsResolved)
            throw new InvalidOperationException("Adam needs an absolute learning rate");
        _rates = spec.LearningRates(parameters.Count, rates);
        _spec = spec;
        _moments = spec.Adam ?? throw new ArgumentException("the optimizer spec is not Adam", nameof(spec));
        _parameters = parameters;
        _received = new bool[parameters.Count];
        _decay = WeightDecayCenters.Rates(spec, parameters.Count, decayScales);
        using var noGrad = no_grad();
        _first = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _second = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _scratch = parameters.Select(p => empty_like(p).DetachFromDisposeScope()).ToArray();
        (_centers, _ownsCenters) = WeightDecayCenters.For(spec, parameters, zero);
    }

    /// <inheritdoc/>
    public void Step() => IOptimizer.StepFromGradients(this, _parameters);

    /// <summary>g = c·δᵀa into the parameter's scratch buffer by one GEMM, then the update.</summary>
    public void AddProduct(int index, Tensor delta, Tensor input, double c)
    {
        using var noGrad = no_grad();
        delta.Scale_(c);
        _scratch[index].AsProductMatrix(delta, input).addmm_(delta.t(), input, 0, 1);
        Update(index, _scratch[index]);
    }

    /// <summary>g = c·<paramref name="gradient"/>, then the update.</summary>
    public void Add(int index, Tensor gradient, double c)
    {
        using var noGrad = no_grad();
        Update(index, _scratch[index].copy_(gradient).Scale_(c));
    }

    /// <inheritdoc/>
    public void EndStep()
    {
        for (int i = 0; i < _parameters.Count; i++)
            if (!_received[i])
                using (no_grad())
                    Update(i, _scratch[i].zero_());
        Array.Clear(_received);
        _step++;
    }

    /// <summary>The update of parameter <paramref name="index"/> from its gradient in <paramref name="g"/> (its scratch buffer, overwritten).</summary>
    private void Update(int index, Tensor g)
    {
        _received[index] = true;
        var p = _parameters[index];
        double rate = _rates[index];
        if (_decay[index] != 0) WeightDecayCenters.Pull(p, _centers[index], rate * _decay[index]);
        var (beta1, beta2) = (_moments.Beta1, _moments.Beta2);
        var m = _first[index];
        var v = _second[index];
        using (var weight = tensor(1 - beta1, m.dtype, m.device))
            m.lerp_(g, weight);   // m + (1 − β₁)(g − m) = β₁·m + (1 − β₁)·g in one pass, as torch.optim.AdamW
        using (var weight = (1 - beta2).ToScalar())
            v.Scale_(beta2).addcmul_(g, g, weight);
        double correction1 = 1 - Math.Pow(beta1, _step), root2 = Math.Sqrt(1 - Math.Pow(beta2, _step));
        var denominator = g.copy_(v).sqrt_().Shift_(_moments.Epsilon * root2);
        using var step = (-rate * root2 / correction1).ToScalar();
        p.addcdiv_(m, denominator, step);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in _first.Concat(_second).Concat(_scratch)) t.Dispose();
        if (_ownsCenters)
            foreach (var t in _centers) t?.Dispose();
    }
}
