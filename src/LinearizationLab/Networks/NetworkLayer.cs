using LinearizationLab.Layers;
using static TorchSharp.torch;

namespace LinearizationLab.Networks;

/// <summary>
/// One layer of a <see cref="Network"/>: a <see cref="Layer"/> kind bound to where it sits (its <see cref="LayerContext"/>),
/// applied functionally: its parameters are passed in, so the same layer evaluates f(x; θ) at any θ (the linearization and
/// the empirical NTK need that). Every method forwards to the kind, which owns the maths.
/// </summary>
public sealed class NetworkLayer(Layer kind, LayerContext context)
{
    /// <summary>The layer kind and its fields.</summary>
    public Layer Kind { get; } = kind;

    /// <summary>The network's parameterization and this layer's input shape.</summary>
    public LayerContext Context { get; } = context;

    /// <summary>How many parameter tensors the layer owns.</summary>
    public int ParameterTensorCount => Kind.ParameterTensorCount;

    /// <summary>Whether the layer has the hand-written passes of fused training.</summary>
    public bool SupportsBackprop => Kind.SupportsBackprop;

    /// <summary>Whether a training step should take the layer's hand-written passes (<see cref="Layer.TrainsByHand"/>).</summary>
    public bool TrainsByHand => Kind.TrainsByHand;

    /// <summary>Applies the layer to a batch with its parameters taken from <paramref name="parameters"/> at <paramref name="offset"/>.</summary>
    public Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, int offset) => Kind.Forward(Context, input, parameters, offset);

    /// <summary>The forward pass recording the parameter units it passes (<see cref="Layer.ForwardTraced"/>).</summary>
    public Tensor ForwardTraced(Tensor input, IReadOnlyList<Tensor> parameters, int offset, ForwardTrace trace) =>
        Kind.ForwardTraced(Context, input, parameters, offset, trace);

    /// <summary>The layer's part of a jet's expansion point (<see cref="Layer.ExpansionPoint"/>).</summary>
    public LayerPoint ExpansionPoint(Tensor input, IReadOnlyList<Tensor> parameters, int offset, int order, ForwardTrace? trace) =>
        Kind.ExpansionPoint(Context, input, parameters, offset, order, trace);

    /// <summary>The output's Taylor coefficients from the layer's point (<see cref="Layer.JetAt"/>).</summary>
    public Tensor?[] JetAt(LayerPoint point, IReadOnlyList<Tensor?> inputCoefficients, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, JetTrace? trace) =>
        Kind.JetAt(Context, point, inputCoefficients, parameters, displacement, offset, trace);

    /// <summary>The output and its forward-mode tangent (<see cref="Layer.Jvp"/>).</summary>
    public (Tensor Output, Tensor? Tangent) Jvp(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset) => Kind.Jvp(Context, input, inputTangent, parameters, parameterTangents, offset);

    /// <summary>The forward pass into preallocated buffers (<see cref="Layer.ForwardInto"/>).</summary>
    public Tensor ForwardInto(Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) =>
        Kind.ForwardInto(Context, input, parameters, offset, buffers);

    /// <summary>The hand-written reverse pass (<see cref="Layer.Backprop"/>).</summary>
    public Tensor? Backprop(Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        Kind.Backprop(Context, input, outputGradient, parameters, offset, buffers, needInputGradient, sink);

    /// <summary>The tangent at a stored point (<see cref="Layer.TangentInto"/>).</summary>
    public Tensor? TangentInto(Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers) =>
        Kind.TangentInto(Context, input, inputTangent, parameters, parameterTangents, offset, pointBuffers, tangentBuffers);

    /// <summary>The hand-written jet on stacked coefficients (<see cref="Layer.JetInto"/>).</summary>
    public Tensor JetInto(Tensor input, int order, IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset,
        LayerBuffers buffers, bool newPoint) => Kind.JetInto(Context, input, order, parameters, displacement, offset, buffers, newPoint);

    /// <summary>Reverse mode through the hand-written jet (<see cref="Layer.JetBackprop"/>).</summary>
    public Tensor? JetBackprop(Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        Kind.JetBackprop(Context, input, outputGradient, order, parameters, displacement, offset, buffers, needInputGradient, sink);

    /// <summary>This layer's structured empirical-NTK term (<see cref="Layer.StructuredNtkTerm(LayerContext, Tensor, Tensor, Tensor, Tensor, int, bool)"/>).</summary>
    public Tensor StructuredNtkTerm(Tensor a1, Tensor d1, Tensor a2, Tensor d2, int outputs, bool bias = true) =>
        Kind.StructuredNtkTerm(Context, a1, d1, a2, d2, outputs, bias);
}
