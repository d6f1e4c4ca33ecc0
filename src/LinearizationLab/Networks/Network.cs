using LinearizationLab.Architecture;
using LinearizationLab.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// A finite-width network built from an <see cref="ArchitectureSpec"/> (neural-tangents <c>stax</c>
/// semantics). Parameters are an ordered list θ of tensors, each layer's (and each block's layers') in order — for a plain
/// MLP [W_1, b_1, W_2, b_2, …]; what a layer's tensors mean is its own business (<see cref="ParameterUnits"/>). The forward
/// pass is functional, so f(x; θ') can be evaluated at any θ' of the same shapes.
/// </summary>
public sealed class Network : IBackpropModel, IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly int[] _offsets;
    private readonly Dictionary<long, BackpropWorkspace> _workspaces = [];
    private BackpropWorkspace? _lastWorkspace;

    private Network(ArchitectureSpec spec, TensorSettings settings, NetworkLayer[] layers, Tensor[] parameters)
    {
        Spec = spec;
        Settings = settings;
        Layers = layers;
        _parameters = parameters;
        FirstParameterLayer = Array.FindIndex(layers, l => l.ParameterTensorCount > 0);
        _offsets = new int[layers.Length];
        int offset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            _offsets[i] = offset;
            offset += layers[i].ParameterTensorCount;
        }
        ParameterUnits = layers.SelectMany((l, i) => l.Kind.ParameterUnits(l.Context, _offsets[i])).ToArray();
        // Fixed by the architecture: read once, not at every optimizer, kernel or checkpoint that asks.
        LearningRateScales = spec.HasLayerLearningRates ? spec.LearningRateScales : null;
        EffectiveDecayScales = spec.HasEffectiveDecayScales ? spec.EffectiveDecayScales : null;
    }

    /// <summary>The architecture.</summary>
    public ArchitectureSpec Spec { get; }

    /// <summary>dtype and device of the parameters.</summary>
    public TensorSettings Settings { get; }

    /// <summary>The layers, one per arch.json entry.</summary>
    public IReadOnlyList<NetworkLayer> Layers { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <inheritdoc/>
    public IReadOnlyList<double>? LearningRateScales { get; }

    /// <inheritdoc/>
    public IReadOnlyList<double>? EffectiveDecayScales { get; }

    /// <summary>Total number of scalar parameters P.</summary>
    public long ParameterCount => _parameters.Sum(p => p.numel());

    /// <summary>
    /// The leaf layers that own parameters, inside blocks too, in the order of their tensors in <see cref="Parameters"/>: the
    /// units of the per-layer NTK terms and of the structured NTK (<see cref="ParameterUnit"/>).
    /// </summary>
    public IReadOnlyList<ParameterUnit> ParameterUnits { get; }

    /// <summary>Index into <see cref="Parameters"/> of top-level layer <paramref name="layerIndex"/>'s first tensor.</summary>
    public int ParameterOffset(int layerIndex) => _offsets[layerIndex];

    /// <summary>
    /// Builds the layers and draws θ0 from one generator seeded with <paramref name="seed"/>, layer by
    /// layer (W then b). Draws are made in float64 and then cast, so the float32 and float64 networks
    /// of one seed start from the same θ0 up to rounding.
    /// </summary>
    public static Network Create(ArchitectureSpec spec, long seed, TensorSettings settings)
    {
        var layers = spec.Layers.Select((layer, i) => new NetworkLayer(layer, spec.ContextOf(i))).ToArray();
        using var generator = new Generator((ulong)seed);
        var parameters = new List<Tensor>();
        foreach (var layer in layers)
        {
            foreach (var init in layer.Kind.InitialParameters(layer.Context))
                parameters.Add(Draw(init, generator, settings));
        }
        return new Network(spec, settings, layers, parameters.ToArray());
    }

    private static Tensor Draw(ParameterInit init, Generator generator, TensorSettings settings)
    {
        using var scope = NewDisposeScope();
        var t = randn(init.Shape, ScalarType.Float64, CPU, generator: generator).Scaled(init.Std).Shifted(init.Mean)
            .to(settings.DType, settings.Device).detach().requires_grad_(true);
        return t.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Forward(Tensor x) => Forward(x, _parameters);

    /// <summary>
    /// f(x; θ) with the given parameters (same order and shapes as <see cref="Parameters"/>); when
    /// <paramref name="trace"/> is given, each parameter unit's input and output are recorded in it.
    /// </summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> parameters, ForwardTrace? trace = null)
    {
        if (parameters.Count != _parameters.Length)
            throw new ArgumentException($"expected {_parameters.Length} parameter tensors, got {parameters.Count}");
        var a = x;
        for (int i = 0; i < Layers.Count; i++)
            a = trace is null ? Layers[i].Forward(a, parameters, _offsets[i]) : Layers[i].ForwardTraced(a, parameters, _offsets[i], trace);
        return a;
    }

    /// <summary>
    /// The Jacobian-vector product J(x; θ)·u in forward mode: each layer carries its output and tangent forward
    /// (<see cref="NetworkLayer.Jvp"/>), so J is never formed and the cost is about two forward passes. Returns f(x; θ)
    /// and J·u, both [N, O]; gradients flow to <paramref name="tangents"/> (and to <paramref name="parameters"/>) by autograd.
    /// </summary>
    public (Tensor Output, Tensor Tangent) Jvp(Tensor x, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> tangents)
    {
        if (parameters.Count != _parameters.Length || tangents.Count != _parameters.Length)
            throw new ArgumentException($"expected {_parameters.Length} parameter and tangent tensors, got {parameters.Count} and {tangents.Count}");
        Tensor a = x;
        Tensor? tangent = null;
        for (int i = 0; i < Layers.Count; i++)
            (a, tangent) = Layers[i].Jvp(a, tangent, parameters, tangents, _offsets[i]);
        return (a, tangent ?? zeros_like(a));
    }

    /// <summary>
    /// The expansion point of a jet of order <paramref name="order"/> at θ = <paramref name="parameters"/>: the forward pass,
    /// keeping each layer's input and the derivatives its jet needs (<see cref="JetPoint"/>, blocks keeping their layers'); with
    /// <paramref name="trace"/>, each parameter unit's input and output as in <see cref="Forward(Tensor, IReadOnlyList{Tensor}, ForwardTrace?)"/>.
    /// Differentiable under autograd like the forward pass; the tensors join the caller's dispose scope.
    /// </summary>
    public JetPoint ExpansionPoint(Tensor x, IReadOnlyList<Tensor> parameters, int order, ForwardTrace? trace = null)
    {
        if (order is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(order), order, "jets of order 1 to 3");
        var points = new LayerPoint[Layers.Count];
        var a = x;
        for (int i = 0; i < Layers.Count; i++)
        {
            points[i] = Layers[i].ExpansionPoint(a, parameters, _offsets[i], order, trace);
            a = points[i].Output;
        }
        return new JetPoint(order, points, a);
    }

    /// <summary>
    /// Forward-mode Taylor propagation along θ(s) = θ0 + s·Δθ from the point <paramref name="point"/> (made at θ0 =
    /// <paramref name="parameters"/>): each layer maps its input's coefficients to its output's (<see cref="NetworkLayer.JetAt"/>; parameter units are recorded in <paramref name="trace"/>).
    /// Returns the output's normalized coefficients [f_1, …, f_k] (f_j = (1/j!)·Dʲf(θ0)[Δθ, …, Δθ], [N, O]), so
    /// f_k(θ0 + Δθ) = f(θ0) + f_1 + … + f_k. Differentiable in Δθ by autograd; <paramref name="order"/> defaults to the point's.
    /// </summary>
    public Tensor[] Jet(JetPoint point, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int? order = null,
        JetTrace? trace = null)
    {
        int k = order ?? point.Order;
        if (k < 1 || k > point.Order) throw new ArgumentOutOfRangeException(nameof(order), k, $"the point serves orders 1 to {point.Order}");
        if (parameters.Count != _parameters.Length || displacement.Count != _parameters.Length)
            throw new ArgumentException($"expected {_parameters.Length} parameter and displacement tensors, got {parameters.Count} and {displacement.Count}");
        var coefficients = new Tensor?[k];
        for (int i = 0; i < Layers.Count; i++)
            coefficients = Layers[i].JetAt(point.Layers[i], coefficients, parameters, displacement, _offsets[i], trace);
        return coefficients.Select(c => c ?? zeros_like(point.Output)).ToArray();
    }

    /// <summary>
    /// The jet of order <paramref name="order"/> by hand (<see cref="NetworkLayer.JetInto"/>) through the buffers of
    /// <paramref name="workspace"/>: x [N, ...] enters as block 0 of a stacked input whose blocks 1…k are 0 (the data does not
    /// depend on θ). Returns the output stacked [(k+1)·N, O]: block 0 is f(x; θ0), block j is f_j. With
    /// <paramref name="newPoint"/> false the point (block 0 everywhere, φ′, φ″, φ‴) is reused from the last call.
    /// </summary>
    public Tensor JetInto(Tensor x, int order, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement,
        BackpropWorkspace workspace, bool newPoint)
    {
        long n = x.shape[0];
        var stacked = workspace.StackedInput([(order + 1) * n, .. x.shape.Skip(1)], x);
        if (newPoint)
        {
            stacked.narrow(0, 0, n).copy_(x);
            stacked.narrow(0, n, order * n).zero_();
        }
        var a = stacked;
        for (int i = 0; i < Layers.Count; i++)
        {
            workspace.SetInput(i, a);
            a = Layers[i].JetInto(a, order, parameters, displacement, _offsets[i], workspace[i], newPoint);
        }
        workspace.SetOutput(a);
        return a;
    }

    /// <summary>
    /// Reverse mode by hand through the jet stored in <paramref name="workspace"/>, from ∂L/∂f_j stacked in blocks 1…k of
    /// <paramref name="outputGradient"/>: each layer hands its displacement's gradients to <paramref name="sink"/>.
    /// </summary>
    public void JetBackprop(Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement,
        BackpropWorkspace workspace, IGradientSink sink)
    {
        int first = FirstParameterLayer >= 0 ? FirstParameterLayer : throw new InvalidOperationException("the network has no parameters");
        var delta = outputGradient;
        for (int i = Layers.Count - 1; i >= first; i--)
            delta = Layers[i].JetBackprop(workspace.Input(i), delta, order, parameters, displacement, _offsets[i], workspace[i], i > first, sink)!;
    }

    /// <summary>
    /// Whether every layer has the hand-written passes (dense, conv, activations, flatten, layer_norm, channel_affine, and blocks
    /// of them), which the linearization's step, the Taylor jets and the hierarchy use; the training step follows
    /// <see cref="TrainsByHand"/>.
    /// </summary>
    public bool SupportsBackprop => Layers.All(l => l.SupportsBackprop);

    /// <summary>Whether the network's training step takes the hand-written passes: every layer's <see cref="Layer.TrainsByHand"/>.</summary>
    public bool TrainsByHand => Layers.All(l => l.TrainsByHand);

    /// <summary>f(x; θ) through the buffers of <paramref name="workspace"/>, keeping what the reverse pass needs.</summary>
    public Tensor ForwardInto(Tensor x, IReadOnlyList<Tensor> parameters, BackpropWorkspace workspace)
    {
        var a = x;
        for (int i = 0; i < Layers.Count; i++)
        {
            workspace.SetInput(i, a);
            a = Layers[i].ForwardInto(a, parameters, _offsets[i], workspace[i]);
        }
        workspace.SetOutput(a);
        return a;
    }

    /// <summary>
    /// Backpropagation by hand from δ = ∂L/∂f through the pass stored in <paramref name="workspace"/>: each layer hands its
    /// parameter gradients to <paramref name="sink"/> (last layer first) after computing the δ it passes down. δ is overwritten.
    /// </summary>
    public void Backprop(Tensor outputGradient, IReadOnlyList<Tensor> parameters, BackpropWorkspace workspace, IGradientSink sink)
    {
        int first = FirstParameterLayer >= 0 ? FirstParameterLayer : throw new InvalidOperationException("the network has no parameters");
        var delta = outputGradient;
        for (int i = Layers.Count - 1; i >= first; i--)
            delta = Layers[i].Backprop(workspace.Input(i), delta, parameters, _offsets[i], workspace[i], i > first, sink)!;
    }

    /// <summary>
    /// J(x; θ)·u, the tangent of the pass stored in <paramref name="point"/> (at x and θ = <paramref name="parameters"/>) along
    /// parameter tangents <paramref name="tangents"/>, written into <paramref name="tangentWorkspace"/>; the forward pass is not redone.
    /// </summary>
    public Tensor TangentInto(BackpropWorkspace point, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> tangents,
        BackpropWorkspace tangentWorkspace)
    {
        Tensor? tangent = null;
        for (int i = 0; i < Layers.Count; i++)
        {
            tangentWorkspace.SetInput(i, tangent ?? point.Input(i));
            tangent = Layers[i].TangentInto(point.Input(i), tangent, parameters, tangents, _offsets[i], point[i], tangentWorkspace[i]);
        }
        var output = tangent ?? throw new InvalidOperationException("the network has no parameters");
        tangentWorkspace.SetOutput(output);
        return output;
    }

    /// <summary>The first layer with parameters (−1 when none): reverse passes stop there (no gradient for the data).</summary>
    private int FirstParameterLayer { get; }

    /// <inheritdoc/>
    public Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null) => ForwardInto(x, _parameters, Workspace(x.shape[0]));

    /// <inheritdoc/>
    public void Backprop(Tensor outputGradient, IGradientSink sink)
    {
        var workspace = _lastWorkspace ?? throw new InvalidOperationException("call ForwardForBackprop before Backprop");
        Backprop(outputGradient, _parameters, workspace, sink);
    }

    /// <summary>The workspace for batches of <paramref name="examples"/> (one per batch size seen, kept for the network's life).</summary>
    private BackpropWorkspace Workspace(long examples)
    {
        if (!_workspaces.TryGetValue(examples, out var workspace))
            _workspaces[examples] = workspace = new BackpropWorkspace(Layers.Count);
        return _lastWorkspace = workspace;
    }

    /// <summary>Copies of the current parameters, detached (e.g. θ0 before training).</summary>
    public Tensor[] CloneParameters() => _parameters.Select(p => p.detach().clone()).ToArray();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var p in _parameters) p.Dispose();
        foreach (var w in _workspaces.Values) w.Dispose();
    }
}
