using LinearizationLab.Layers;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The Taylor model of order k of a network around θ0 (Bai et al. 2020, "Taylorized Training"):
/// f_k(x; θ) = Σ_(j ≤ k) (1/j!)·Dʲf(x; θ0)[Δθ, …, Δθ], Δθ = θ − θ0, for k = 1, 2, 3. It is evaluated exactly by
/// forward-mode Taylor propagation (<see cref="Network.Jet"/>): every layer carries its value at θ0 and its first k
/// normalized Taylor coefficients along θ0 + s·Δθ, affine layers by the product rule, activations by Faà di Bruno's
/// formula. Order 1 is the linearization f_lin of <see cref="LinearizedNetwork"/> (same tangent map, to round-off); f_2
/// adds ½·Δθᵀ∇²f(θ0)Δθ, so its Jacobian J0 + ∇²f(θ0)·Δθ — and hence its kernel — moves during training.
/// For ReLU the expansion is the one valid almost everywhere: φ″ = φ‴ = 0, kinks contribute nothing.
/// Its <see cref="Parameters"/> are Δθ (starting at 0), trained by the <see cref="Trainer"/> with the network's loss,
/// optimizer and batches; gradients are reverse mode through the jet — by hand for networks of dense layers, activations
/// and flatten (stacked coefficients: each weight meets all k orders in one GEMM), by autograd otherwise. On a full batch
/// the expansion point (the pass at θ0 and the activations' derivatives there) is computed once.
/// </summary>
public sealed class TaylorizedNetwork : IBackpropModel, IDisplacementModel, IDisposable
{
    /// <summary>The highest order supported (jets carry φ′, φ″, φ‴).</summary>
    public const int MaxOrder = 3;

    private readonly Network _network;
    private readonly ParameterDisplacement _displacement;
    private readonly Tensor[] _theta0;
    private readonly Tensor[] _delta;
    private readonly BackpropWorkspace _jet;
    private readonly LayerBuffers _sum = new();
    private readonly LayerBuffers _gradient = new();
    private JetPoint? _point;
    private Tensor? _output;
    private bool _pointValid;

    /// <summary>The order-<paramref name="order"/> Taylor model of <paramref name="network"/> around its current parameters (or <paramref name="theta0"/>).</summary>
    public TaylorizedNetwork(Network network, int order, IReadOnlyList<Tensor>? theta0 = null)
    {
        if (order is < 1 or > MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(order), order, $"Taylor models of order 1 to {MaxOrder}");
        _network = network;
        Order = order;
        _displacement = new ParameterDisplacement(network, theta0);
        (_theta0, _delta) = (_displacement.Origin, _displacement.Delta);
        _jet = new BackpropWorkspace(network.Layers.Count);
    }

    /// <summary>k.</summary>
    public int Order { get; }

    /// <summary>The network that was expanded.</summary>
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

    /// <summary>f_k(x; θ0 + Δθ) for x [N, ...] → [N, O]; differentiable with respect to Δθ.</summary>
    public Tensor Forward(Tensor x) => Forward(x, _delta);

    /// <summary>f_k(x; θ0 + <paramref name="displacement"/>) at any Δθ of the parameters' shapes (differentiable in it).</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> displacement)
    {
        using var scope = NewDisposeScope();
        var point = Point(x);
        return Sum(point, _network.Jet(point, _theta0, displacement)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The normalized Taylor coefficients [f(θ0), f_1, …, f_k] at x for the displacement <paramref name="displacement"/>
    /// (default: the trained Δθ): f_j = (1/j!)·Dʲf(θ0)[Δθ, …, Δθ] is homogeneous of degree j in Δθ.
    /// </summary>
    public Tensor[] Coefficients(Tensor x, IReadOnlyList<Tensor>? displacement = null)
    {
        using var scope = NewDisposeScope();
        var point = Point(x);
        var coefficients = _network.Jet(point, _theta0, displacement ?? _delta);
        return coefficients.Prepend(point.Output.clone()).Select(c => c.MoveToOuterDisposeScope()).ToArray();
    }

    /// <inheritdoc/>
    public bool TrainsByHand => true;

    /// <summary>
    /// f_k(x) = f(θ0) + f_1 + … + f_k for training. Networks whose layers all have hand-written passes run the jet by hand
    /// on stacked coefficients (<see cref="Network.JetInto"/>); others keep an autograd graph through
    /// <see cref="Network.Jet"/>. Either way the expansion point is recomputed only for a new batch. The result is a
    /// buffer (or a detached view), valid until the next call.
    /// </summary>
    public Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null)
    {
        bool newPoint = !sameBatch || !_pointValid;
        _pointValid = true;
        if (_network.SupportsBackprop)
        {
            long n = x.shape[0];
            var stacked = _network.JetInto(x, Order, _theta0, _delta, _jet, newPoint);
            var f = _sum.Output([n, stacked.shape[1]], stacked).copy_(stacked.narrow(0, 0, n));
            for (int j = 1; j <= Order; j++) f.Plus_(stacked.narrow(0, j * n, n));
            return f;
        }
        if (newPoint)
        {
            _point?.Dispose();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _point = Point(x).Detached();
        }
        using var grad = enable_grad();
        _output = Sum(_point!, _network.Jet(_point!, _theta0, _delta));
        return _output.detach();
    }

    /// <summary>
    /// ∂L/∂Δθ = (∂f_k/∂Δθ)ᵀ·δ handed to <paramref name="sink"/>: by hand through the stored jet (f_k is the sum of the
    /// coefficients, so every block's gradient is δ), or by autograd through the graph of the last forward pass.
    /// </summary>
    public void Backprop(Tensor outputGradient, IGradientSink sink)
    {
        if (_network.SupportsBackprop)
        {
            long n = outputGradient.shape[0];
            var stacked = _gradient.Output([(Order + 1) * n, outputGradient.shape[1]], outputGradient);
            for (int j = 1; j <= Order; j++) stacked.narrow(0, j * n, n).copy_(outputGradient);
            _network.JetBackprop(stacked, Order, _theta0, _delta, _jet, sink);
            return;
        }
        var output = _output ?? throw new InvalidOperationException("call ForwardForBackprop before Backprop");
        using (var grad = enable_grad())
            output.backward([outputGradient]);
        _output = null;
        using var noGrad = no_grad();
        for (int i = 0; i < _delta.Length; i++)
        {
            var g = _delta[i].grad ?? throw new InvalidOperationException($"parameter tensor {i} received no gradient");
            sink.Add(i, g, 1);
            g.zero_();
        }
    }

    /// <summary>
    /// The empirical NTK of the Taylor model at Δθ (default: the trained one), Θ̂_k(x, x) = J_k J_kᵀ with J_k = ∂f_k/∂Δθ,
    /// [N·O, N·O] in the network's dtype. Structured like <see cref="Empirical.EmpiricalNtk"/>: in f_k, ΔW_l enters
    /// z_(l,j) through m_W·ΔW_l⋆a_(l,j−1) for j = 1…k, so ∂f_k/∂ΔW_l = m_W·Σ_j D_j ⊗ a_(j−1) with D_j = ∂f_k/∂z_(l,j)
    /// (autograd through the jet), and Δb_l enters z_(l,1) only. Each layer's term is J_l J_lᵀ from these k factors
    /// (<see cref="Layer.StructuredNtkTerm(LayerContext, IReadOnlyList{JacobianFactor}, IReadOnlyList{JacobianFactor}, int)"/>);
    /// at Δθ = 0 (or k = 1) it is Θ̂0.
    /// </summary>
    public Tensor Ntk(Tensor x, IReadOnlyList<Tensor>? displacement = null)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var delta = (displacement ?? _delta).Select(d => d.detach().requires_grad_(true)).ToArray();
        var point = Point(x);
        var trace = new JetTrace();
        var f = Sum(point, _network.Jet(point, _theta0, delta, trace: trace));
        int outputs = _network.Spec.OutputCount;
        // Per parameter unit, the pairs (a_(j−1), z_j) whose input coefficient is not identically 0.
        var pairs = trace.Units.Select(l => Enumerable.Range(1, Order)
            .Select(j => (Input: j == 1 ? l.PointInput : l.InputCoefficients[j - 2], Output: l.OutputCoefficients[j - 1]))
            .Where(p => p.Input is not null && p.Output is not null)
            .Select(p => (Input: p.Input!, Output: p.Output!)).ToArray()).ToArray();
        var targets = pairs.SelectMany(p => p.Select(q => q.Output)).ToArray();
        var perOutput = Enumerable.Range(0, outputs)
            .Select(o => autograd.grad([f.select(1, o).sum()], targets, retain_graph: o < outputs - 1)).ToArray();
        Tensor? total = null;
        int index = 0;
        for (int l = 0; l < pairs.Length; l++)
        {
            var unit = trace.Units[l].Unit;
            int first = index;
            var factors = pairs[l].Select((p, j) =>
                new JacobianFactor(p.Input.detach(), stack(perOutput.Select(g => g[first + j]), 1).detach(), Bias: j == 0)).ToArray();
            var term = unit.Layer.StructuredNtkTerm(unit.Context, factors, factors, outputs);
            total = total is null ? term : total.Plus_(term);
            index += pairs[l].Length;
        }
        return (total ?? throw new InvalidOperationException("the network has no parameters")).MoveToOuterDisposeScope();
    }

    /// <summary>Sets θ back to θ0.</summary>
    public void Reset() => _displacement.Reset();

    private JetPoint Point(Tensor x) => _network.ExpansionPoint(x, _theta0, Order);

    private static Tensor Sum(JetPoint point, Tensor[] coefficients)
    {
        var total = coefficients[0];
        for (int j = 1; j < coefficients.Length; j++) total = total.Plus(coefficients[j]);
        return point.Output.Plus(total);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _displacement.Dispose();
        _point?.Dispose();
        _jet.Dispose();
        _sum.Dispose();
        _gradient.Dispose();
    }
}
