using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>The update rule of <see cref="OptimizerSpec"/> applied in place to a list of parameters with gradients.</summary>
public sealed class MomentumSgd : IDisposable
{
    private readonly OptimizerSpec _spec;
    private readonly IReadOnlyList<Tensor> _parameters;
    private Tensor[]? _velocity;

    /// <summary>Optimizes <paramref name="parameters"/> (leaf tensors with requires_grad).</summary>
    public MomentumSgd(OptimizerSpec spec, IReadOnlyList<Tensor> parameters)
    {
        if (!spec.IsResolved)
            throw new InvalidOperationException("the learning rate is a fraction of η_crit that has not been resolved");
        _spec = spec;
        _parameters = parameters;
    }

    /// <summary>θ ← θ − η·v (heavy-ball) or θ ← θ − η·(g + μ·v) (Nesterov), with v ← μ·v + g; then clears the gradients.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double lr = _spec.LearningRate, mu = _spec.Momentum;
        if (mu != 0 && _velocity is null)
            _velocity = _parameters.Select(p => zeros_like(p).MoveToOuterDisposeScope()).ToArray();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = p.grad ?? throw new InvalidOperationException("parameter has no gradient; call backward first");
            if (mu == 0)
            {
                p.AddScaled_(g, -lr);
            }
            else
            {
                var v = _velocity![i];
                v.Scale_(mu).add_(g);
                p.AddScaled_(_spec.Nesterov ? g + v.Scaled(mu) : v, -lr);
            }
            g.zero_();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_velocity is null) return;
        foreach (var v in _velocity) v.Dispose();
    }
}
