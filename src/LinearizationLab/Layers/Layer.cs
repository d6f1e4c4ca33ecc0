using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// One layer kind of an arch.json network (neural-tangents <c>stax</c>), owning everything about it: its fields and
/// output shape, its parameters and their initialization, the forward and forward-mode tangent passes, the hand-written
/// passes of fused training, its infinite-width kernel step and its structured empirical-NTK term. Shapes exclude the
/// batch axis: [d], [C,L] or [C,H,W]. A kind is found by its JSON <c>type</c> through <see cref="LayerRegistry"/>.
/// Methods that depend on where the layer sits take its <see cref="LayerContext"/> (parameterization and input shape).
/// </summary>
public abstract record Layer
{
    /// <summary>The arch.json <c>type</c> of this layer.</summary>
    public abstract string TypeName { get; }

    /// <summary>The output shape for <paramref name="input"/>; throws <see cref="ArgumentException"/> with the reason when the layer cannot take it.</summary>
    public abstract int[] OutputShape(int[] input);

    /// <summary>The same layer with its hidden width (dense width, conv channels) set to <paramref name="width"/>; layers without a width return themselves.</summary>
    public virtual Layer WithWidth(int width) => this;

    /// <summary>How many parameter tensors the layer owns (2 for dense/conv: W then b; 0 otherwise).</summary>
    public virtual int ParameterTensorCount => 0;

    /// <summary>Number of scalar parameters for an input of <paramref name="input"/>.</summary>
    public virtual long ParameterCount(int[] input) => 0;

    /// <summary>Each parameter tensor's learning rate relative to the optimizer's η (an abc-parameterization's m^−c; 1 by default).</summary>
    public virtual IReadOnlyList<double> LearningRateScales => Enumerable.Repeat(1.0, ParameterTensorCount).ToArray();

    /// <summary>
    /// Each parameter tensor's factor s_p in parameterization-aware weight decay (Lee et al. 2020, §3): the square of the
    /// multiplier the forward pass applies to it, so that ½λ·Σ_p s_p‖θ_p‖² penalizes the effective parameters m_p·θ_p; 1 for a
    /// tensor used as drawn (the default).
    /// </summary>
    public virtual IReadOnlyList<double> EffectiveDecayScales(LayerContext context) => Enumerable.Repeat(1.0, ParameterTensorCount).ToArray();

    /// <summary>How each parameter tensor is drawn at initialization, in order (<see cref="ParameterInit"/>).</summary>
    public virtual IReadOnlyList<ParameterInit> InitialParameters(LayerContext context) => [];

    /// <summary>
    /// The leaf layers with parameters inside this layer, where they sit: itself for a leaf that owns parameters (its first
    /// tensor at <paramref name="offset"/>), none for a leaf without; a block lists the units of its chains in order.
    /// </summary>
    public virtual IEnumerable<ParameterUnit> ParameterUnits(LayerContext context, int offset) =>
        ParameterTensorCount > 0 ? [new ParameterUnit(this, context, offset)] : [];

    /// <summary>Every leaf layer inside this layer, in order (itself for a leaf).</summary>
    public virtual IEnumerable<Layer> Leaves => [this];

    /// <summary>This layer and every layer inside it, blocks before their layers (a repeat block's copies each count).</summary>
    public virtual IEnumerable<Layer> SelfAndDescendants => [this];

    /// <summary>This layer rebuilt bottom-up with every layer inside it, and then itself, replaced by <paramref name="map"/> of it.</summary>
    public virtual Layer MapLayers(Func<Layer, Layer> map) => map(this);

    /// <summary>This layer with every leaf inside it replaced by <paramref name="map"/> of it (for a leaf: <paramref name="map"/> of itself).</summary>
    public Layer MapLeaves(Func<Layer, Layer> map) => MapLayers(l => l is CompositeLayer ? l : map(l));

    /// <summary>
    /// Whether the output at initialization is drawn fresh: a zero-mean field independent of the input and of any other branch,
    /// as a dense or conv layer's output is (new zero-mean weights and biases multiply everything before it). The infinite-width
    /// kernel of a sum of branches is the sum of their kernels only when all branches but one are drawn fresh.
    /// </summary>
    public virtual bool DrawsFreshOutput => false;

    /// <summary>Whether the layer is linear in its input and has no parameters (flatten, pooling, the identity): it keeps a fresh output fresh.</summary>
    public virtual bool IsLinearWithoutParameters => false;

    /// <summary>Whether the infinite-width kernel must track the full covariance over position pairs (not only its diagonal).</summary>
    public virtual bool NeedsFullSpatialCovariance => false;

    /// <summary>Applies the layer to a batch <paramref name="input"/> [N, ...] with its parameters taken from <paramref name="parameters"/> starting at <paramref name="offset"/>.</summary>
    public abstract Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset);

    /// <summary>
    /// <see cref="Forward"/>, recording in <paramref name="trace"/> the input and output of every parameter unit it passes
    /// (itself for a leaf with parameters); blocks trace the layers inside them.
    /// </summary>
    public virtual Tensor ForwardTraced(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, ForwardTrace trace)
    {
        var output = Forward(context, input, parameters, offset);
        if (ParameterTensorCount > 0) trace.Record(new ParameterUnit(this, context, offset), input, output);
        return output;
    }

    /// <summary>
    /// The layer's part of a jet's expansion point at θ = <paramref name="parameters"/>: its input, <see cref="JetDerivatives"/> there
    /// and its output (traced into <paramref name="trace"/> when given, as <see cref="ForwardTraced"/>); blocks keep their layers' points.
    /// </summary>
    public virtual LayerPoint ExpansionPoint(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, int order,
        ForwardTrace? trace)
    {
        var derivatives = JetDerivatives(context, input, order);
        var output = trace is null ? Forward(context, input, parameters, offset) : ForwardTraced(context, input, parameters, offset, trace);
        return new LayerPoint(input, derivatives, output, []);
    }

    /// <summary>
    /// <see cref="Jet"/> from the layer's expansion point <paramref name="point"/>, recording a parameter unit's coefficients in
    /// <paramref name="trace"/> when given; blocks run the jets of their layers from their points.
    /// </summary>
    public virtual Tensor?[] JetAt(LayerContext context, LayerPoint point, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, JetTrace? trace)
    {
        var output = Jet(context, point.Input, inputCoefficients, parameters, displacement, offset, point.Derivatives);
        if (trace is not null && ParameterTensorCount > 0)
            trace.Record(new ParameterUnit(this, context, offset), point.Input, inputCoefficients.ToArray(), output);
        return output;
    }

    /// <summary>
    /// Forward-mode derivative: the output y = g(a; p) and its tangent ẏ = ∂g/∂a·ȧ + ∂g/∂p·ṗ for an input tangent
    /// <paramref name="inputTangent"/> (null means 0) and parameter tangents ṗ taken from <paramref name="parameterTangents"/>
    /// at <paramref name="offset"/>. This default is for layers linear in their input and without parameters (flatten, pooling).
    /// </summary>
    public virtual (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset) =>
        (Forward(context, input, parameters, offset), inputTangent is null ? null : Forward(context, inputTangent, parameters, offset));

    /// <summary>
    /// What the layer's <see cref="Jet"/> needs from the expansion point besides its input: for an elementwise φ its
    /// derivatives [φ′(z), …, φ^(order)(z)] at the input z; empty for layers that are affine in their input.
    /// </summary>
    public virtual Tensor[] JetDerivatives(LayerContext context, Tensor input, int order) => [];

    /// <summary>
    /// Forward-mode Taylor propagation (a jet of order k) along the ray θ(s) = θ0 + s·Δθ. The input is given by its value
    /// a_0 = <paramref name="input"/> and its normalized Taylor coefficients a_j = (1/j!)·dʲa/dsʲ at s = 0,
    /// <paramref name="inputCoefficients"/> = [a_1, …, a_k] (null entries are 0); returns the output's [z_1, …, z_k] (null where 0).
    /// The parameters are θ0 = <paramref name="parameters"/> and the displacement Δθ = <paramref name="displacement"/>, both at
    /// <paramref name="offset"/>; <paramref name="derivatives"/> is <see cref="JetDerivatives"/> at a_0. Summing z_0 + … + z_k
    /// at s = 1 is the k-th order Taylor model of the layer's output (Bai et al. 2020). This default is for layers linear in
    /// their input and without parameters (flatten, pooling): z_j = g(a_j).
    /// </summary>
    public virtual Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives) =>
        inputCoefficients.Select(a => a is null ? null : Forward(context, a, parameters, offset)).ToArray();

    /// <summary>
    /// The jet of <see cref="Jet"/> by hand, on stacked coefficients: <paramref name="input"/> is [(k+1)·N, ...] with
    /// block j (rows j·N … (j+1)·N) the coefficient a_j, block 0 the value at θ0. Returns the output stacked the same way,
    /// in <paramref name="buffers"/>. Block 0 of the output (and what the layer keeps from the point, e.g. φ′, φ″, φ‴) is
    /// computed only when <paramref name="newPoint"/>; otherwise it is left from the last call with a new point.
    /// Part of the hand-written passes (<see cref="SupportsBackprop"/>).
    /// </summary>
    public virtual Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint) =>
        throw new NotSupportedException($"{TypeName} has no hand-written jet");

    /// <summary>
    /// Reverse mode through <see cref="JetInto"/> by hand: for ∂L/∂y_j stacked in blocks 1…k of
    /// <paramref name="outputGradient"/> (block 0 is not read), hands the gradients with respect to the displacement Δθ to
    /// <paramref name="sink"/> and returns ∂L/∂a_j stacked in blocks 1…k (null when <paramref name="needInputGradient"/>
    /// is false). The point is fixed, so nothing flows to block 0. <paramref name="outputGradient"/> may be overwritten.
    /// </summary>
    public virtual Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        throw new NotSupportedException($"{TypeName} has no hand-written jet");

    /// <summary>
    /// Whether the layer has the hand-written passes of fused training (<see cref="ForwardInto"/>, <see cref="Backprop"/>,
    /// <see cref="TangentInto"/>, and for Taylor models <see cref="JetInto"/>, <see cref="JetBackprop"/>); networks with any
    /// other layer train through autograd.
    /// </summary>
    public virtual bool SupportsBackprop => false;

    /// <summary>
    /// Whether a network's training step should take the hand-written passes rather than autograd: wherever they exist
    /// (<see cref="SupportsBackprop"/>), except where libtorch's own kernels were measured faster. The passes still serve the
    /// linearization's tangents, the Taylor jets and the hierarchy either way.
    /// </summary>
    public virtual bool TrainsByHand => SupportsBackprop;

    /// <summary>
    /// The forward pass written into <paramref name="buffers"/> (keeping what <see cref="Backprop"/> needs, e.g. φ′);
    /// returns the output, which stays valid until the next call with the same buffers.
    /// </summary>
    public virtual Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) =>
        throw new NotSupportedException($"{TypeName} has no hand-written forward pass");

    /// <summary>
    /// Reverse mode by hand: for δ = ∂L/∂y at this layer's output y (from <see cref="ForwardInto"/> on <paramref name="input"/>
    /// with the same <paramref name="buffers"/>), hands each parameter's gradient to <paramref name="sink"/> and returns
    /// ∂L/∂a for the input a (null when <paramref name="needInputGradient"/> is false). δ may be overwritten.
    /// </summary>
    public virtual Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        throw new NotSupportedException($"{TypeName} has no hand-written reverse pass");

    /// <summary>
    /// The tangent ẏ = ∂g/∂a·ȧ + ∂g/∂p·ṗ at the point whose forward pass is stored in <paramref name="pointBuffers"/>
    /// (input <paramref name="input"/>, parameters <paramref name="parameters"/>), written into <paramref name="tangentBuffers"/>;
    /// null when both tangents are zero. The same map as <see cref="Jvp"/>, without recomputing the forward pass.
    /// </summary>
    public virtual Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers) =>
        throw new NotSupportedException($"{TypeName} has no hand-written tangent pass");

    /// <summary>
    /// This layer's step of the infinite-width NNGP/NTK recursion (neural-tangents' <c>kernel_fn</c>), on float64 arrays only:
    /// compiled once per network, with <paramref name="plan"/> reserving what the step needs, then run per pair of examples.
    /// </summary>
    public virtual KernelStep KernelStep(LayerContext context, KernelPlan plan) =>
        throw new NotSupportedException($"no infinite-width kernel for layer type '{TypeName}'");

    /// <summary>
    /// This layer's term of the structured empirical NTK: Θ̂_l = Σ_p ∂f/∂p ∂f/∂pᵀ over its parameters, [N1·O, N2·O], from its traced
    /// inputs a [N, ...] and Δ = ∂f/∂z [N, O, ...] at its pre-activation z (Novak et al. 2022). Layers without parameters have none.
    /// The term is bilinear in the pairs (a1, Δ1) and (a2, Δ2) through ∂f/∂W ∝ Δ ⊗ a; without <paramref name="bias"/> the bias
    /// part (which depends on Δ alone) is left out, so sums of such terms give the kernels of Taylor models and their derivatives.
    /// </summary>
    public virtual Tensor StructuredNtkTerm(LayerContext context, Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true) =>
        throw new NotSupportedException($"{TypeName} has no parameters");

    /// <summary>
    /// J_L·J_Rᵀ for Jacobians that are sums of factors, J = Σ_i ∂f/∂p(a_i, Δ_i) (<see cref="JacobianFactor"/>): the kernels of
    /// Taylor models (one factor per jet order) and the kernel's velocity (the tangents of a and Δ). Here the sum over pairs
    /// of <see cref="StructuredNtkTerm(LayerContext, Tensor, Tensor, Tensor, Tensor, int, bool)"/>, the bias part where both
    /// factors carry it; layers that form per-example gradients sum each side first and contract once.
    /// </summary>
    public virtual Tensor StructuredNtkTerm(LayerContext context, IReadOnlyList<JacobianFactor> left, IReadOnlyList<JacobianFactor> right, int outputs)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        Tensor? total = null;
        foreach (var l in left)
            foreach (var r in right)
            {
                var term = StructuredNtkTerm(context, l.Input, l.Delta, r.Input, r.Delta, outputs, bias: l.Bias && r.Bias);
                total = total is null ? term : total.Plus_(term);
            }
        return total ?? throw new ArgumentException("a Jacobian needs at least one factor on each side");
    }

    /// <summary>
    /// The empirical NNGP when this layer is the readout: the covariance E[z_k(x1) z_k(x2)] of one output unit over the layer's
    /// initial parameters given its inputs <paramref name="a1"/> [N1, ...] and <paramref name="a2"/> [N2, ...], [N1, N2].
    /// </summary>
    public virtual Tensor ReadoutNngp(LayerContext context, Tensor a1, Tensor a2) =>
        throw new NotSupportedException($"{TypeName} cannot be a network's readout: its output covariance at initialization is not defined here");

    /// <summary>Product of the entries of a shape.</summary>
    protected static int Product(IEnumerable<int> shape) => shape.Aggregate(1, (a, n) => a * n);
}
