using static TorchSharp.torch;

namespace LinearizationLab.Layers;

/// <summary>
/// A block: chains of layers run on the same input and combined (neural-tangents' <c>stax.serial</c>, <c>parallel</c> with
/// <c>FanOut</c>, <c>FanInSum</c> and <c>FanInConcat</c>). A chain is a serial list of layers (an empty chain is the identity);
/// one chain is a serial block, several are summed with a scale per chain (y = Σ_c s_c·g_c(x): residual, parallel sum) or
/// concatenated along the feature/channel axis. The block owns no parameters of its own: its tensors are its layers', chain by
/// chain, in order, and every view — forward, tangent, jets, the hand-written passes, the traced units of the structured NTK
/// and the infinite-width kernel step — is its layers' views composed by the same rule.
/// </summary>
public abstract record CompositeLayer : Layer
{
    /// <summary>The chains of layers the block runs on its input.</summary>
    public abstract IReadOnlyList<IReadOnlyList<Layer>> Chains { get; }

    /// <summary>How the chains' outputs combine.</summary>
    public abstract ChainCombine Combine { get; }

    /// <summary>The scale s_c of chain <paramref name="chain"/> in a sum (1 unless the block says otherwise).</summary>
    public virtual double ChainScale(int chain) => 1;

    /// <summary>The arch.json field path of chain <paramref name="chain"/> relative to the block, e.g. <c>.layers</c> or <c>.branches[1]</c>.</summary>
    protected abstract string ChainField(int chain);

    /// <summary>The arch.json field path of layer <paramref name="index"/> of chain <paramref name="chain"/>, relative to the block.</summary>
    protected virtual string LayerField(int chain, int index) => $"{ChainField(chain)}[{index}]";

    /// <summary>
    /// The reason a sum's chains cannot be added when their output shapes differ (<paramref name="shapes"/>, one per chain); a
    /// residual block explains the projection it needs.
    /// </summary>
    protected virtual string ShapeMismatch(IReadOnlyList<int[]> shapes) =>
        $"{TypeName} sums its branches, but they give shapes {string.Join(" and ", shapes.Select(Format))}";

    /// <summary>The same block with new chains (what <see cref="MapLayers"/> builds).</summary>
    protected abstract CompositeLayer WithChains(IReadOnlyList<IReadOnlyList<Layer>> chains);

    /// <inheritdoc/>
    public override int ParameterTensorCount => Chains.Sum(c => c.Sum(l => l.ParameterTensorCount));

    /// <inheritdoc/>
    public override long ParameterCount(int[] input) => Children(input, 0).Sum(c => c.Layer.ParameterCount(c.Input));

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterInit> InitialParameters(LayerContext context) =>
        Children(context.InputShape, 0).SelectMany(c => c.Layer.InitialParameters(c.Context(context))).ToArray();

    /// <inheritdoc/>
    public override IEnumerable<ParameterUnit> ParameterUnits(LayerContext context, int offset) =>
        Children(context.InputShape, offset).SelectMany(c => c.Layer.ParameterUnits(c.Context(context), c.Offset));

    /// <inheritdoc/>
    public override IEnumerable<Layer> Leaves => Chains.SelectMany(c => c.SelectMany(l => l.Leaves));

    /// <inheritdoc/>
    public override IEnumerable<Layer> SelfAndDescendants => Chains.SelectMany(c => c.SelectMany(l => l.SelfAndDescendants)).Prepend(this);

    /// <inheritdoc/>
    public override Layer MapLayers(Func<Layer, Layer> map) =>
        map(WithChains(Chains.Select(c => (IReadOnlyList<Layer>)c.Select(l => l.MapLayers(map)).ToArray()).ToArray()));

    /// <summary>Each hidden dense/conv layer inside the block gets the width (shortcut projections included, so shapes keep matching).</summary>
    public override Layer WithWidth(int width) => MapLeaves(l => l.WithWidth(width));

    /// <inheritdoc/>
    public override bool NeedsFullSpatialCovariance => Chains.Any(c => c.Any(l => l.NeedsFullSpatialCovariance));

    /// <inheritdoc/>
    public override bool SupportsBackprop => Chains.All(c => c.All(l => l.SupportsBackprop));

    /// <inheritdoc/>
    public override bool TrainsByHand => Chains.All(c => c.All(l => l.TrainsByHand));

    /// <summary>Fresh when every chain is (a serial block: when its last layer that is not linear without parameters is fresh).</summary>
    public override bool DrawsFreshOutput => Chains.All(ChainIsFresh);

    /// <inheritdoc/>
    public override bool IsLinearWithoutParameters => ParameterTensorCount == 0 && Leaves.All(l => l.IsLinearWithoutParameters);

    /// <summary>The chains' output shapes, checked to combine: equal for a sum, equal but for the channel count for a concatenation.</summary>
    public override int[] OutputShape(int[] input)
    {
        var shapes = Enumerable.Range(0, Chains.Count).Select(c => ChainShapes(input, Chains[c], c)[^1]).ToArray();
        switch (Combine)
        {
            case ChainCombine.Single:
                return shapes[0];
            case ChainCombine.Sum:
                if (shapes.Any(s => !s.SequenceEqual(shapes[0]))) throw new ArgumentException(ShapeMismatch(shapes));
                return shapes[0];
            default:
                if (shapes.Any(s => s.Length != shapes[0].Length || !s.Skip(1).SequenceEqual(shapes[0].Skip(1))))
                    throw new ArgumentException($"{TypeName} concatenates its branches along the feature/channel axis, but they give shapes " +
                        $"{string.Join(" and ", shapes.Select(Format))}, which differ in more than that axis");
                return [shapes.Sum(s => s[0]), .. shapes[0].Skip(1)];
        }
    }

    // ------------------------------------------------------------------ functional passes (autograd)

    /// <inheritdoc/>
    public override Tensor Forward(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset) =>
        CombineOutputs(RunChains(context, offset, input, (c, a) => c.Layer.Forward(c.Context(context), a, parameters, c.Offset)));

    /// <inheritdoc/>
    public override Tensor ForwardTraced(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, ForwardTrace trace) =>
        CombineOutputs(RunChains(context, offset, input, (c, a) => c.Layer.ForwardTraced(c.Context(context), a, parameters, c.Offset, trace)));

    /// <summary>Each chain carries its output and tangent forward; both combine by the block's rule (a missing tangent is 0).</summary>
    public override (Tensor Output, Tensor? Tangent) Jvp(LayerContext context, Tensor input, Tensor? inputTangent,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> parameterTangents, int offset)
    {
        var ends = RunChains(context, offset, (Value: input, Tangent: inputTangent),
            (c, a) => c.Layer.Jvp(c.Context(context), a.Value, a.Tangent, parameters, parameterTangents, c.Offset));
        var outputs = ends.Select(e => e.Value).ToArray();
        return (CombineOutputs(outputs), CombineOptional(ends.Select(e => e.Tangent).ToArray(), outputs));
    }

    /// <summary>The points of the block's layers, chain by chain (<see cref="LayerPoint.Children"/> in slot order).</summary>
    public override LayerPoint ExpansionPoint(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, int order,
        ForwardTrace? trace)
    {
        var points = new List<LayerPoint>();
        var outputs = RunChains(context, offset, input, (c, a) =>
        {
            var point = c.Layer.ExpansionPoint(c.Context(context), a, parameters, c.Offset, order, trace);
            points.Add(point);
            return point.Output;
        });
        return new LayerPoint(input, [], CombineOutputs(outputs), points);
    }

    /// <summary>Each chain maps the coefficients through its layers' jets; order by order they combine by the block's rule.</summary>
    public override Tensor?[] JetAt(LayerContext context, LayerPoint point, IReadOnlyList<Tensor?> inputCoefficients,
        IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> displacement, int offset, JetTrace? trace)
    {
        var ends = RunChains(context, offset, (IReadOnlyList<Tensor?>)inputCoefficients,
            (c, a) => c.Layer.JetAt(c.Context(context), point.Children[c.Slot], a, parameters, displacement, c.Offset, trace));
        var values = ChainEnds(context, point.Input, c => point.Children[c.Slot].Output);
        return Enumerable.Range(0, inputCoefficients.Count)
            .Select(j => CombineOptional(ends.Select(e => e[j]).ToArray(), values)).ToArray();
    }

    /// <summary>Jets are composed from the block's layers (<see cref="JetAt"/>); a block has no jet of its own.</summary>
    public override Tensor?[] Jet(LayerContext context, Tensor input, IReadOnlyList<Tensor?> inputCoefficients, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, IReadOnlyList<Tensor> derivatives) =>
        throw new NotSupportedException($"{TypeName}: a block's jet runs from its expansion point (JetAt)");

    // ------------------------------------------------------------------ hand-written passes

    /// <summary>Each chain writes its layers' passes into the block's child buffers; a sum or concatenation is written into the block's output.</summary>
    public override Tensor ForwardInto(LayerContext context, Tensor input, IReadOnlyList<Tensor> parameters, int offset, LayerBuffers buffers) =>
        CombineInto(buffers, RunChains(context, offset, input, (c, a) =>
        {
            buffers.SetChildInput(c.Slot, a);
            return c.Layer.ForwardInto(c.Context(context), a, parameters, c.Offset, buffers.Child(c.Slot));
        }));

    /// <summary>
    /// δ goes to each chain (scaled by s_c in a sum, its slice in a concatenation); each chain backpropagates through its layers,
    /// and ∂L/∂input is the sum of the chains' input gradients.
    /// </summary>
    public override Tensor? Backprop(LayerContext context, Tensor input, Tensor outputGradient, IReadOnlyList<Tensor> parameters, int offset,
        LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        BackpropChains(context, input, outputGradient, offset, buffers, needInputGradient,
            (c, a, delta, need) => c.Layer.Backprop(c.Context(context), a, delta, parameters, c.Offset, buffers.Child(c.Slot), need, sink));

    /// <inheritdoc/>
    public override Tensor? TangentInto(LayerContext context, Tensor input, Tensor? inputTangent, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> parameterTangents, int offset, LayerBuffers pointBuffers, LayerBuffers tangentBuffers)
    {
        var ends = RunChains(context, offset, inputTangent, (c, t) => c.Layer.TangentInto(c.Context(context), pointBuffers.ChildInput(c.Slot), t,
            parameters, parameterTangents, c.Offset, pointBuffers.Child(c.Slot), tangentBuffers.Child(c.Slot)));
        if (ends.All(t => t is null)) return null;
        for (int c = 0; c < ends.Length; c++)
            ends[c] ??= tangentBuffers.BranchGradient(c, pointBuffers.BranchOutput(c).shape, input).zero_();
        return CombineInto(tangentBuffers, ends!);
    }

    /// <inheritdoc/>
    public override Tensor JetInto(LayerContext context, Tensor input, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool newPoint) =>
        CombineInto(buffers, RunChains(context, offset, input, (c, a) =>
        {
            buffers.SetChildInput(c.Slot, a);
            return c.Layer.JetInto(c.Context(context), a, order, parameters, displacement, c.Offset, buffers.Child(c.Slot), newPoint);
        }));

    /// <inheritdoc/>
    public override Tensor? JetBackprop(LayerContext context, Tensor input, Tensor outputGradient, int order, IReadOnlyList<Tensor> parameters,
        IReadOnlyList<Tensor> displacement, int offset, LayerBuffers buffers, bool needInputGradient, IGradientSink sink) =>
        BackpropChains(context, input, outputGradient, offset, buffers, needInputGradient,
            (c, a, delta, need) => c.Layer.JetBackprop(c.Context(context), a, delta, order, parameters, displacement, c.Offset,
                buffers.Child(c.Slot), need, sink));

    // ------------------------------------------------------------------ infinite width

    /// <summary>
    /// Each chain's steps run from the block's input state; the results combine as the outputs do: a sum of independent branches
    /// has K = Σ_c s_c²·K_c and Θ = Σ_c s_c²·Θ_c (neural-tangents' <c>FanInSum</c>; exact when all branches but one are drawn
    /// fresh, <see cref="Layer.DrawsFreshOutput"/>), a concatenation of C_c channels the channel-weighted mean Σ_c (C_c/C)·K_c.
    /// </summary>
    public override KernelStep KernelStep(LayerContext context, KernelPlan plan)
    {
        var chains = Enumerable.Range(0, Chains.Count).Select(c => ChainChildren(context.InputShape, 0, c)).ToArray();
        bool openGain = plan.OpenGain, anyOpenGain = false;
        var steps = chains.Select(chain =>
        {
            plan.OpenGain = openGain;   // each chain starts from the block's input
            var chainSteps = chain.Select(child =>
            {
                try { return child.Layer.KernelStep(child.Context(context), plan); }
                catch (NotSupportedException e) { throw new LayerPathException(child.Path, e.Message); }
                catch (LayerPathException e) { throw e.Under(child.Path); }
            }).ToArray();
            anyOpenGain |= plan.OpenGain;
            return chainSteps;
        }).ToArray();
        plan.OpenGain = anyOpenGain;
        if (Combine == ChainCombine.Single) return state => Run(steps[0], state);

        if (Combine == ChainCombine.Sum && Chains.Count(c => !ChainIsFresh(c)) > 1)
            throw new NotSupportedException($"the infinite-width kernel of {TypeName} adds its branches' kernels, which assumes independent branches: " +
                "all branches but one must end with a dense or conv layer (possibly followed by flatten or pooling)");
        var channels = Enumerable.Range(0, Chains.Count).Select(c => ChainShapes(context.InputShape, Chains[c], c)[^1][0]).ToArray();
        var weights = Enumerable.Range(0, Chains.Count)
            .Select(c => Combine == ChainCombine.Sum ? ChainScale(c) * ChainScale(c) : (double)channels[c] / channels.Sum()).ToArray();
        int start = plan.ReserveSnapshot(), total = plan.ReserveSnapshot();
        return state =>
        {
            state.Save(start);
            for (int c = 0; c < steps.Length; c++)
            {
                if (c > 0) state.Restore(start);
                Run(steps[c], state);
                if (c == 0) state.Save(total, weights[c]);
                else state.Accumulate(total, weights[c]);
            }
            state.Restore(total);
        };
    }

    private static void Run(KernelStep[] steps, KernelState state)
    {
        foreach (var step in steps) step(state);
    }

    // ------------------------------------------------------------------ chains

    /// <summary>One layer inside the block: its chain, its slot among all the block's layers, its input shape and first tensor.</summary>
    private sealed record Child(int Chain, int Slot, Layer Layer, int[] Input, int Offset, string Path)
    {
        public LayerContext Context(LayerContext block) => new(block.Parameterization, Input);
    }

    /// <summary>Every layer of the block in chain order, with input shapes and tensor offsets from <paramref name="offset"/>.</summary>
    private IEnumerable<Child> Children(int[] input, int offset) =>
        Enumerable.Range(0, Chains.Count).SelectMany(c => ChainChildren(input, offset, c));

    /// <summary>The layers of chain <paramref name="chain"/>: slots and tensor offsets continue those of the chains before it.</summary>
    private Child[] ChainChildren(int[] input, int offset, int chain)
    {
        var chains = Chains;   // a repeat block builds its chain on each call
        int slot = 0;
        for (int c = 0; c < chain; c++)
        {
            slot += chains[c].Count;
            offset += chains[c].Sum(l => l.ParameterTensorCount);
        }
        var layers = chains[chain];
        var shapes = ChainShapes(input, layers, chain);
        var children = new Child[layers.Count];
        for (int k = 0; k < children.Length; k++)
        {
            children[k] = new Child(chain, slot + k, layers[k], shapes[k], offset, LayerField(chain, k));
            offset += layers[k].ParameterTensorCount;
        }
        return children;
    }

    /// <summary>The input shape of each layer of chain <paramref name="chain"/>, then its output shape; errors name the layer's path.</summary>
    private int[][] ChainShapes(int[] input, IReadOnlyList<Layer> layers, int chain)
    {
        var shapes = new int[layers.Count + 1][];
        shapes[0] = input;
        for (int k = 0; k < layers.Count; k++)
        {
            string path = LayerField(chain, k);
            try { shapes[k + 1] = layers[k].OutputShape(shapes[k]); }
            catch (LayerPathException e) { throw e.Under(path); }
            catch (ArgumentException e) { throw new LayerPathException(path, e.Message); }
        }
        return shapes;
    }

    /// <summary>Folds <paramref name="step"/> along each chain from <paramref name="start"/>; returns each chain's end.</summary>
    private T[] RunChains<T>(LayerContext context, int offset, T start, Func<Child, T, T> step)
    {
        var ends = new T[Chains.Count];
        for (int c = 0; c < Chains.Count; c++)
        {
            var value = start;
            foreach (var child in ChainChildren(context.InputShape, offset, c)) value = step(child, value);
            ends[c] = value;
        }
        return ends;
    }

    /// <summary>Each chain's output at the point: its last layer's, or the block's input for an empty chain.</summary>
    private Tensor[] ChainEnds(LayerContext context, Tensor input, Func<Child, Tensor> output) =>
        Enumerable.Range(0, Chains.Count).Select(c => ChainChildren(context.InputShape, 0, c) is { Length: > 0 } chain
            ? output(chain[^1]) : input).ToArray();

    private bool ChainIsFresh(IReadOnlyList<Layer> chain)
    {
        for (int k = chain.Count - 1; k >= 0; k--)
        {
            if (chain[k].DrawsFreshOutput) return true;
            if (!chain[k].IsLinearWithoutParameters) return false;
        }
        return false;
    }

    private Tensor CombineOutputs(IReadOnlyList<Tensor> outputs) => Combine switch
    {
        ChainCombine.Single => outputs[0],
        ChainCombine.Sum => Enumerable.Range(1, outputs.Count - 1)
            .Aggregate(Scale(outputs[0], ChainScale(0)), (y, c) => y.Plus(Scale(outputs[c], ChainScale(c)))),
        _ => cat(outputs.ToArray(), 1),
    };

    /// <summary>Combines chain tangents or Taylor coefficients, where null means 0 (<paramref name="values"/> give the shapes of the zeros).</summary>
    private Tensor? CombineOptional(IReadOnlyList<Tensor?> parts, IReadOnlyList<Tensor> values)
    {
        if (parts.All(p => p is null)) return null;
        if (Combine == ChainCombine.Sum)
            return Enumerable.Range(0, parts.Count).Where(c => parts[c] is not null)
                .Select(c => Scale(parts[c]!, ChainScale(c))).Aggregate((a, b) => a.Plus(b));
        return CombineOutputs(parts.Select((p, c) => p ?? zeros_like(values[c])).ToArray());
    }

    private static Tensor Scale(Tensor t, double s) => s == 1 ? t : t.Scaled(s);

    /// <summary>
    /// Records the chains' outputs in <paramref name="buffers"/> and writes their combination into its output buffer; a single
    /// chain's output is returned as it is.
    /// </summary>
    private Tensor CombineInto(LayerBuffers buffers, IReadOnlyList<Tensor> outputs)
    {
        for (int c = 0; c < outputs.Count; c++) buffers.SetBranchOutput(c, outputs[c]);
        if (Combine == ChainCombine.Single) return outputs[0];
        var first = outputs[0];
        if (Combine == ChainCombine.Sum)
        {
            var y = buffers.Output(first.shape, first).copy_(first);
            if (ChainScale(0) != 1) y.Scale_(ChainScale(0));
            for (int c = 1; c < outputs.Count; c++) y.AddScaled_(outputs[c], ChainScale(c));
            return y;
        }
        long[] shape = [first.shape[0], outputs.Sum(o => o.shape[1]), .. first.shape.Skip(2)];
        var z = buffers.Output(shape, first);
        long at = 0;
        foreach (var o in outputs)
        {
            z.narrow(1, at, o.shape[1]).copy_(o);
            at += o.shape[1];
        }
        return z;
    }

    /// <summary>
    /// The reverse pass of the chains from δ: a sum hands chain c the gradient s_c·δ (a copy, except for the last chain, which
    /// takes δ itself), a concatenation its slice of δ; each chain runs its layers backwards down to its first layer with
    /// parameters (further when the block's input gradient is needed), and the input gradients add up.
    /// </summary>
    private Tensor? BackpropChains(LayerContext context, Tensor input, Tensor outputGradient, int offset, LayerBuffers buffers, bool needInputGradient,
        Func<Child, Tensor, Tensor, bool, Tensor?> step)
    {
        var gradients = new Tensor?[Chains.Count];
        long at = 0;
        for (int c = 0; c < Chains.Count; c++)
        {
            var chain = ChainChildren(context.InputShape, offset, c);
            int first = Array.FindIndex(chain, child => child.Layer.ParameterTensorCount > 0);
            long channels = Combine == ChainCombine.Concat ? buffers.BranchOutput(c).shape[1] : 0;
            if (first < 0 && !needInputGradient)
            {
                at += channels;
                continue;
            }
            Tensor delta = Combine switch
            {
                ChainCombine.Single => outputGradient,
                ChainCombine.Sum when c < Chains.Count - 1 => buffers.BranchGradient(c, outputGradient.shape, outputGradient).copy_(outputGradient),
                ChainCombine.Sum => outputGradient,
                _ => outputGradient.narrow(1, at, channels),
            };
            if (Combine == ChainCombine.Sum && ChainScale(c) != 1) delta.Scale_(ChainScale(c));
            at += channels;
            for (int k = chain.Length - 1; k >= (needInputGradient ? 0 : first); k--)
                delta = step(chain[k], buffers.ChildInput(chain[k].Slot), delta, needInputGradient || k > first)!;
            gradients[c] = needInputGradient ? delta : null;
        }
        if (!needInputGradient) return null;
        if (Combine == ChainCombine.Single) return gradients[0];
        var sum = buffers.InputGradient(input.shape, input).copy_(gradients[0]!);
        for (int c = 1; c < gradients.Length; c++) sum.Plus_(gradients[c]!);
        return sum;
    }

    private static string Format(int[] shape) => $"[{string.Join(",", shape)}]";
}

/// <summary>How a block combines its chains' outputs.</summary>
public enum ChainCombine
{
    /// <summary>One chain: its output (a serial block).</summary>
    Single,

    /// <summary>Σ_c s_c·g_c(x) (residual, parallel sum; neural-tangents' FanInSum).</summary>
    Sum,

    /// <summary>The outputs side by side along the feature/channel axis (neural-tangents' FanInConcat).</summary>
    Concat,
}
