using LinearizationLab.Configuration;
using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// An elementwise nonlinearity φ (neural-tangents <c>stax.Relu</c>, <c>Erf</c>, …); keeps the shape. The arch.json <c>type</c>
/// is the activation's name (<see cref="Activation.Name"/>), so every <see cref="Activation"/> is a layer type.
/// Kernel: K ← E[φ(u)φ(v)], Θ ← E[φ′(u)φ′(v)]·Θ (<see cref="Activation.Transform"/>).
/// </summary>
[LayerOrder(2)]
public sealed record ActivationLayer(Activation Function) : Layer, ILayerKind
{
    /// <summary>
    /// One <c>type</c> per activation: <c>{"type": "relu"}</c>, <c>{"type": "leaky_relu", "slope": 0.1}</c>, …; the activation reads
    /// its own fields (<see cref="Activation.Configured"/>).
    /// </summary>
    public static IEnumerable<(string TypeName, Func<JsonSection, Layer> Read)> JsonTypes =>
        Activation.All.Select(a => (a.Name, (Func<JsonSection, Layer>)(l => new ActivationLayer(a.Configured(l)))));

    /// <inheritdoc/>
    public override string TypeName => Function.Name;

    /// <summary>True for the identity.</summary>
    public override bool IsLinearWithoutParameters => Function.IsIdentity;

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input) => input;

    /// <inheritdoc/>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset) => Function.Apply(input);

    /// <summary>ȧ′ = φ′(z)·ż.</summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset) =>
        (Function.Apply(input), inputTangent is null ? null : Function.Derivative(input) * inputTangent);

    /// <summary>[φ′(z), …, φ^(order)(z)] at the expansion point (none for the identity).</summary>
    public override Tensor[] JetDerivatives(LayerContext context, Tensor input, int order) =>
        Function.IsIdentity ? [] : Function.Derivatives(input, order);

    /// <summary>
    /// Faà di Bruno's formula for a = φ(z) with z = z_0 + z_1·s + z_2·s² + z_3·s³ (normalized coefficients):
    /// a_1 = φ′·z_1, a_2 = φ′·z_2 + ½φ″·z_1², a_3 = φ′·z_3 + φ″·z_1·z_2 + ⅙φ‴·z_1³, derivatives at z_0. For ReLU φ″ = φ‴ = 0,
    /// so this is the expansion valid almost everywhere: a unit whose pre-activation crosses 0 between θ0 and θ contributes
    /// no kink term, which is what Taylor expansion at θ0 means for a piecewise-linear φ.
    /// </summary>
    public override Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives)
    {
        if (Function.IsIdentity) return inputCoefficients.ToArray();
        int order = inputCoefficients.Count;
        if (derivatives.Count < order)
            throw new ArgumentException($"a jet of order {order} needs {order} derivatives of {Function.Name}, got {derivatives.Count}");
        var z = inputCoefficients;
        var output = new Tensor?[order];
        output[0] = z[0] is null ? null : derivatives[0] * z[0]!;
        if (order >= 2)
            output[1] = Sum(z[1] is null ? null : derivatives[0] * z[1]!,
                z[0] is null ? null : (derivatives[1] * z[0]!.Squared()).Scaled(0.5));
        if (order >= 3)
            output[2] = Sum(Sum(z[2] is null ? null : derivatives[0] * z[2]!,
                    z[0] is null || z[1] is null ? null : derivatives[1] * z[0]! * z[1]!),
                z[0] is null ? null : (derivatives[2] * z[0]!.Squared() * z[0]!).Scaled(1.0 / 6));
        return output;
    }

    /// <summary>
    /// <see cref="Jet"/> in place on stacked blocks: at a new point, a_0 = φ(z_0) and φ′, φ″, φ‴ at z_0 are stored; then
    /// a_1 = φ′z_1, a_2 = φ′z_2 + ½φ″z_1², a_3 = φ′z_3 + φ″z_1z_2 + ⅙φ‴z_1³. The identity passes its input through.
    /// </summary>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint)
    {
        if (Function.IsIdentity) return input;
        long n = input.shape[0] / (order + 1);
        var a = buffers.Output(input.shape, input);
        Tensor Block(Tensor t, int j) => t.narrow(0, j * n, n);
        var z0 = Block(input, 0);
        if (newPoint)
        {
            var d1 = buffers.Derivative(z0.shape, z0).copy_(z0);
            Function.ApplyInPlace(z0, Block(a, 0).copy_(z0), d1);
            using var scope = NewDisposeScope();
            if (order >= 2 && Function.HasCurvature) buffers.HigherDerivative(2, z0.shape, z0).copy_(Function.SecondDerivative(z0));
            if (order >= 3 && Function.HasCurvature) buffers.HigherDerivative(3, z0.shape, z0).copy_(Function.ThirdDerivative(z0));
        }
        var phi1 = buffers.StoredDerivative;
        for (int j = 1; j <= order; j++) Block(a, j).copy_(Block(input, j)).mul_(phi1);
        if (!Function.HasCurvature) return a;
        using var stepScope = NewDisposeScope();
        var z1 = Block(input, 1);
        if (order >= 2)
        {
            var phi2 = buffers.StoredHigherDerivative(2);
            Block(a, 2).AddScaled_(z1.Squared().mul_(phi2), 0.5);
            if (order >= 3)
            {
                Block(a, 3).Plus_(z1.mul(Block(input, 2)).mul_(phi2));
                Block(a, 3).AddScaled_(z1.Squared().mul_(z1).mul_(buffers.StoredHigherDerivative(3)), 1.0 / 6);
            }
        }
        return a;
    }

    /// <summary>
    /// The transpose of <see cref="JetInto"/> for h_j = ∂L/∂a_j: ∂L/∂z_3 = φ′h_3, ∂L/∂z_2 = φ′h_2 + φ″z_1h_3,
    /// ∂L/∂z_1 = φ′h_1 + φ″z_1h_2 + (φ″z_2 + ½φ‴z_1²)h_3.
    /// </summary>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink)
    {
        if (Function.IsIdentity) return outputGradient;
        long n = input.shape[0] / (order + 1);
        var g = buffers.InputGradient(input.shape, input);
        Tensor Block(Tensor t, int j) => t.narrow(0, j * n, n);
        var phi1 = buffers.StoredDerivative;
        for (int j = 1; j <= order; j++) Block(g, j).copy_(Block(outputGradient, j)).mul_(phi1);
        if (order >= 2 && Function.HasCurvature)
        {
            using var scope = NewDisposeScope();
            var phi2z1 = buffers.StoredHigherDerivative(2).mul(Block(input, 1));
            Block(g, 1).Plus_(phi2z1.mul(Block(outputGradient, 2)));
            if (order >= 3)
            {
                Block(g, 2).Plus_(phi2z1.mul(Block(outputGradient, 3)));
                var curvature = buffers.StoredHigherDerivative(2).mul(Block(input, 2));
                curvature.AddScaled_(Block(input, 1).Squared().mul_(buffers.StoredHigherDerivative(3)), 0.5);
                Block(g, 1).Plus_(curvature.mul_(Block(outputGradient, 3)));
            }
        }
        return g;
    }

    private static Tensor? Sum(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : a.Plus(b);

    /// <inheritdoc/>
    public override bool SupportsBackprop => true;

    /// <summary>a = φ(z) and φ′(z), both written in place (<see cref="Activation.ApplyInPlace"/>); identity passes z through.</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers)
    {
        if (Function.IsIdentity) return input;
        var a = buffers.Output(input.shape, input).copy_(input);
        var d = buffers.Derivative(input.shape, input).copy_(input);
        Function.ApplyInPlace(input, a, d);
        return a;
    }

    /// <summary>∂L/∂z = φ′(z) ⊙ δ, in place on δ.</summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        Function.IsIdentity ? outputGradient : outputGradient.mul_(buffers.StoredDerivative);

    /// <summary>ȧ = φ′(z) ⊙ ż with φ′(z) stored by the forward pass at the linearization point.</summary>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        if (inputTangent is null || Function.IsIdentity) return inputTangent;
        return tangentBuffers.Output(inputTangent.shape, inputTangent).copy_(inputTangent).mul_(pointBuffers.StoredDerivative);
    }

    /// <summary>
    /// Per position (pair): K ← E[φ(u)φ(v)] and Θ ← K̇·Θ, with Σ11, Σ22 read from each example's self run; a self run stores
    /// the variances (and on a flat kernel uses <see cref="Activation.SelfCovariance"/>).
    /// </summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        if (!Function.IsIdentity) plan.RequireNoOpenGain(Function.Name);
        var phi = Function;
        Func<double, double, double, (double Nngp, double Derivative)> transform = plan.Tabulate ? phi.TabulatedTransform : phi.Transform;
        int slot = plan.ReserveVariances(context.SpatialInput ? context.InputPositions : 1);
        return state =>
        {
            double[] k = state.K, theta = state.Theta;
            if (!state.Spatial)
            {
                var v1 = state.Variances1(slot, 1);
                if (state.Self)
                {
                    v1[0] = k[0];
                    k[0] = phi.SelfCovariance(k[0]);
                }
                else
                {
                    var (kNew, derivative) = transform(v1[0], state.Variances2(slot, 1)[0], k[0]);
                    theta[0] *= derivative;
                    k[0] = kNew;
                }

                return;
            }

            state.ForEachEntry(slot, state.Positions, (v1, v2, e) =>
            {
                var (kNew, derivative) = transform(v1, v2, k[e]);
                k[e] = kNew;
                theta[e] *= derivative;
            });
        };
    }
}
