using LinearizationLab.Layers;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The kernel's velocity: the exact derivative of the empirical NTK along a direction in parameter space,
/// dΘ̂(θ + s·v)/ds at s = 0. Along the gradient flow dθ/dτ = −∇L of ½·mean MSE this is dΘ̂/dτ(0), the contraction of
/// the third-order tensor O₃ of the 1/n expansion with the residual (Dyer &amp; Gur-Ari 2019; Huang &amp; Yau 2019): of order
/// 1/n for wide networks, it is what makes the kernel move. Computed in forward mode on the structured NTK, not as a
/// difference of kernels: per parameter unit (dense, conv, a normalization's gain) Θ̂_l = Σ (terms bilinear in (a_l, Δ_l) pairs), so by the product rule
/// dΘ̂_l = T(ȧ, Δ; a, Δ) + T(a, Δ̇; a, Δ) + (transpose), with ȧ_l the tangent of the layer's input and Δ̇_l that of
/// Δ_l = ∂f/∂z_l. Both come from one first-order jet: ȧ_l is its input coefficient, and Δ̇_l = ∂f_1/∂z_(l,0) (the
/// s-coefficient of f responds to the point value z_(l,0) exactly as Δ_l(s) moves with s).
/// </summary>
public static class KernelVelocity
{
    /// <summary>v = −∇L(θ) for <paramref name="loss"/> on (x, y): the direction of the gradient flow dθ/dτ = −∇L.</summary>
    public static Tensor[] FlowDirection(Network network, IReadOnlyList<Tensor> parameters, Loss loss, Tensor x, Tensor y, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var theta = parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var value = loss.Value(network.Forward(x, theta), y, labels);
        return autograd.grad([value], theta).Select(g => g.neg().detach().MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// dΘ̂(x, x)/ds at s = 0 for θ(s) = <paramref name="parameters"/> + s·<paramref name="direction"/>, [N·O, N·O] in the
    /// network's dtype; symmetric.
    /// </summary>
    public static Tensor Along(Network network, IReadOnlyList<Tensor> parameters, Tensor x, IReadOnlyList<Tensor> direction)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var theta = parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var v = direction.Select(d => d.detach()).ToArray();
        var pointTrace = new ForwardTrace();
        var point = network.ExpansionPoint(x, theta, 1, pointTrace);
        var jetTrace = new JetTrace();
        var f1 = network.Jet(point, theta, v, trace: jetTrace)[0];
        var f0 = point.Output;
        var z = pointTrace.Units.Select(l => l.Output).ToArray();
        int outputs = network.Spec.OutputCount;
        var deltas = new List<Tensor>[z.Length];
        var rates = new List<Tensor>[z.Length];
        for (int l = 0; l < z.Length; l++) (deltas[l], rates[l]) = ([], []);
        for (int o = 0; o < outputs; o++)
        {
            var d = autograd.grad([f0.select(1, o).sum()], z, retain_graph: true);
            // f_1 is independent of the point when f is linear in its input after every affine layer (e.g. one dense layer).
            var rate = f1.requires_grad
                ? autograd.grad([f1.select(1, o).sum()], z, retain_graph: o < outputs - 1, allow_unused: true)
                : new Tensor?[z.Length];
            for (int l = 0; l < z.Length; l++)
            {
                deltas[l].Add(d[l].detach());
                rates[l].Add(rate[l] is { IsInvalid: false } r ? r.detach() : zeros_like(d[l]));
            }
        }
        Tensor? half = null;
        for (int l = 0; l < z.Length; l++)
        {
            var unit = pointTrace.Units[l].Unit;
            var a = pointTrace.Units[l].Input.detach();
            var delta = stack(deltas[l], 1);
            // dJ = J(ȧ, Δ) + J(a, Δ̇); the bias's Jacobian is Δ alone, so ȧ's factor carries none.
            var moving = new List<JacobianFactor> { new(a, stack(rates[l], 1)) };
            if (jetTrace.Units[l].InputCoefficients[0] is { } tangent) moving.Add(new(tangent.detach(), delta, Bias: false));
            var term = unit.Layer.StructuredNtkTerm(unit.Context, moving, [new JacobianFactor(a, delta)], outputs);
            half = half is null ? term : half.Plus_(term);
        }
        var h = half ?? throw new InvalidOperationException("the network has no parameters");
        return h.Plus(h.transpose(0, 1)).MoveToOuterDisposeScope();
    }
}
