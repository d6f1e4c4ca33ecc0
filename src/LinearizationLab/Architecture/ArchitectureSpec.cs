using LinearizationLab.Layers;

namespace LinearizationLab.Architecture;

/// <summary>
/// A network as arch.json describes it (neural-tangents <c>stax.serial</c> of the layers).
/// Shapes are validated at construction: <see cref="Shapes"/>[i] is the input shape of layer i,
/// and the last entry the output shape [O].
/// </summary>
public sealed record ArchitectureSpec
{
    /// <summary>
    /// Builds and validates a spec; throws <see cref="ArgumentException"/> naming the layer index on a shape mismatch. With
    /// an abc-parameterization <paramref name="abc"/>, every affine layer gets its width factors here (<see cref="Abc"/>).
    /// </summary>
    public ArchitectureSpec(int[] inputShape, Parameterization parameterization, IReadOnlyList<Layer> layers, AbcParameterization? abc = null)
    {
        if (abc is not null && abc.Base != parameterization)
            throw new ArgumentException($"the abc-parameterization's base is {abc.Base}, not {parameterization}");
        if (inputShape.Length is < 1 or > 3 || inputShape.Any(n => n < 1))
            throw new ArgumentException("input_shape must be [d], [C,L] or [C,H,W] with positive sizes");
        if (layers.Count == 0) throw new ArgumentException("layers must not be empty");
        InputShape = inputShape;
        Parameterization = parameterization;
        Layers = layers;
        var shapes = new List<int[]> { inputShape };
        for (int i = 0; i < layers.Count; i++)
        {
            try { shapes.Add(layers[i].OutputShape(shapes[^1])); }
            catch (LayerPathException e) { throw new LayerShapeException(i, e.Message, e.Path); }
            catch (ArgumentException e) { throw new LayerShapeException(i, e.Message); }
        }
        if (shapes[^1].Length != 1)
            throw new LayerShapeException(layers.Count - 1,
                $"the network must end with a flat output but ends with shape [{string.Join(",", shapes[^1])}]");
        Shapes = shapes;
        Abc = abc;
        if (abc is not null && !abc.IsBase) Layers = WithFactors(abc);
    }

    /// <summary>Shape of one example, without the batch axis.</summary>
    public int[] InputShape { get; }

    /// <summary>NTK or standard parameterization.</summary>
    public Parameterization Parameterization { get; }

    /// <summary>The width-dependent parameterization the layers' factors come from, or null for plain NTK or standard parameterization.</summary>
    public AbcParameterization? Abc { get; }

    /// <summary>Whether the infinite-width NNGP and NTK of <see cref="Analytic"/> describe this network: no width exponents.</summary>
    public bool HasAnalyticKernels => Abc is null || Abc.IsBase;

    /// <summary>Why this network has no analytic NNGP/NTK here, or null when it has them (<see cref="HasAnalyticKernels"/>).</summary>
    public string? NoAnalyticKernelsReason => HasAnalyticKernels ? null
        : $"{Abc!.Name} has width exponents, so its infinite-width limit is not the NNGP/NTK of these recursions (analytic kernels exist for ntk and standard)";

    /// <summary>
    /// The same network under the preset <paramref name="name"/> (<see cref="AbcParameterization.Presets"/>) at this spec's base
    /// width, keeping whether its learning rates follow Adam.
    /// </summary>
    public ArchitectureSpec WithParameterization(string name)
    {
        if (name is "ntk" or "standard" && Abc is null)
            return new(InputShape, name == "ntk" ? Parameterization.Ntk : Parameterization.Standard, Layers.Select(l => l.MapLeaves(Plain)).ToArray());
        var abc = AbcParameterization.Preset(name, Abc?.BaseWidth ?? throw new ArgumentException($"{name} needs the arch's base_width")) with { Adam = Abc?.Adam ?? false };
        return new(InputShape, abc.Base, Layers.Select(l => l.MapLeaves(Plain)).ToArray(), abc);
    }

    /// <summary>Whether the parameterization gives some tensor a learning rate other than η at widths other than the base width.</summary>
    public bool ScalesLearningRates => Abc is { } abc && new[] { abc.Input, abc.Hidden, abc.Output, abc.Bias }.Any(e => (abc.Adam ? e.CAdam : e.C) != 0);

    private static Layer Plain(Layer leaf) => leaf is AffineLayer a ? a with { Abc = AbcFactors.None } : leaf;

    /// <summary>The same network with learning rates from the abc-parameterization's Adam exponents (<paramref name="adam"/>) or its SGD ones.</summary>
    public ArchitectureSpec ForOptimizer(bool adam) =>
        Abc is null || Abc.Adam == adam ? this : new(InputShape, Parameterization, Layers, Abc with { Adam = adam });

    /// <summary>Each parameter tensor's learning rate relative to the optimizer's η, in parameter order.</summary>
    public IReadOnlyList<double> LearningRateScales => Units(this).SelectMany(u => u.Layer.LearningRateScales).ToArray();

    /// <summary>Whether some parameter tensor's learning rate differs from the optimizer's η.</summary>
    public bool HasLayerLearningRates => LearningRateScales.Any(r => r != 1);

    /// <summary>
    /// Each parameter tensor's factor in parameterization-aware weight decay, in parameter order: the square of its forward
    /// multiplier (<see cref="Layer.EffectiveDecayScales"/>; w_std²/fan_in for an NTK-parameterized weight, b_std² for its bias).
    /// </summary>
    public IReadOnlyList<double> EffectiveDecayScales => Units(this).SelectMany(u => u.Layer.EffectiveDecayScales(u.Context)).ToArray();

    /// <summary>Whether some tensor's effective decay factor is not 1, so that decay on the effective parameters differs from plain L2.</summary>
    public bool HasEffectiveDecayScales => EffectiveDecayScales.Any(s => s != 1);

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Shapes[i] is the input shape of layer i; Shapes[^1] the network output [O].</summary>
    public IReadOnlyList<int[]> Shapes { get; }

    /// <summary>Number of outputs O.</summary>
    public int OutputCount => Shapes[^1][0];

    /// <summary>Number of input features (product of the input shape).</summary>
    public int InputSize => InputShape.Aggregate(1, (a, n) => a * n);

    /// <summary>Number of scalar parameters P: fan_in·out + out (weights and biases) summed over the affine layers.</summary>
    public long ParameterCount => Enumerable.Range(0, Layers.Count).Sum(i => Layers[i].ParameterCount(Shapes[i]));

    /// <summary>Indices of the top-level affine (dense or conv) layers, in order (blocks are not counted).</summary>
    public IReadOnlyList<int> AffineLayerIndices =>
        Enumerable.Range(0, Layers.Count).Where(i => Layers[i] is AffineLayer).ToArray();

    /// <summary>The readout: the last top-level layer with parameters, whose width is the number of outputs and which sweeps leave as it is.</summary>
    public int ReadoutIndex => Enumerable.Range(0, Layers.Count).Last(i => Layers[i].ParameterTensorCount > 0);

    /// <summary>Whether some dense or conv layer before the readout (inside blocks too) has a width a sweep can set.</summary>
    public bool HasHiddenWidth => Layers.Take(ReadoutIndex).SelectMany(l => l.Leaves).Any(l => l is AffineLayer);

    /// <summary>Where layer <paramref name="index"/> sits: the parameterization and its input shape.</summary>
    public LayerContext ContextOf(int index) => new(Parameterization, Shapes[index]);

    /// <summary>
    /// The same network with every hidden dense/conv layer's width (dense width, conv channels) set to <paramref name="width"/>,
    /// inside blocks too (a residual block's shortcut projection with them, so the shapes of its sum keep matching); the
    /// readout keeps its width. Used by width sweeps.
    /// </summary>
    public ArchitectureSpec WithHiddenWidth(int width) => MapBeforeReadout(l => l.WithWidth(width));

    /// <summary>
    /// The same network with <paramref name="blocks"/> hidden blocks. With a <c>repeat</c> block, its count (the first one's).
    /// Otherwise a block is the layers from one hidden affine layer up to the next affine layer (e.g. dense + relu); the
    /// template's first block is repeated (its later hidden blocks are dropped), and what precedes it and the readout (from
    /// the last affine layer on) are kept.
    /// </summary>
    public ArchitectureSpec WithDepth(int blocks)
    {
        if (blocks < 1) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "at least one hidden block");
        int repeat = Enumerable.Range(0, Layers.Count).FirstOrDefault(i => Layers[i] is RepeatBlock, -1);
        if (repeat >= 0)
            return With(
                Layers.Select((l, i) => i == repeat ? ((RepeatBlock)l) with { Count = blocks } : l).ToArray());
        var affine = AffineLayerIndices;
        if (affine.Count < 2) throw new InvalidOperationException("the architecture has no hidden affine layer or repeat block whose depth could be set");
        int first = affine[0], next = affine[1], readout = affine[^1];
        var block = Layers.Skip(first).Take(next - first).ToArray();
        var layers = Layers.Take(first).Concat(Enumerable.Repeat(block, blocks).SelectMany(b => b)).Concat(Layers.Skip(readout)).ToArray();
        return With(layers);
    }

    /// <summary>Whether <see cref="WithDepth"/> can set a depth: a repeat block, or a hidden affine layer before the readout.</summary>
    public bool HasDepth => Layers.Any(l => l is RepeatBlock) || AffineLayerIndices.Count >= 2;

    /// <summary>Number of residual blocks R, each copy of a repeated one counted.</summary>
    public int ResidualBlockCount => Layers.Sum(l => l.SelfAndDescendants.Count(d => d is ResidualBlock));

    /// <summary>
    /// The same network with every residual block's scale set to R^(−<paramref name="exponent"/>), R = <see cref="ResidualBlockCount"/>:
    /// exponent 0 is the plain sum x + main(x), ½ the 1/√depth scaling that keeps the forward variance bounded in depth.
    /// </summary>
    public ArchitectureSpec WithResidualScaleExponent(double exponent)
    {
        int blocks = ResidualBlockCount;
        if (blocks == 0) throw new InvalidOperationException("the architecture has no residual block whose scale could be set");
        double scale = Math.Pow(blocks, -exponent);
        return With(
            Layers.Select(l => l.MapLayers(x => x is ResidualBlock r ? r with { Scale = scale } : x)).ToArray());
    }

    /// <summary>The same network with every hidden dense/conv layer's w_std and/or b_std replaced, inside blocks too (the readout keeps its own).</summary>
    public ArchitectureSpec WithHiddenVariances(double? wStd, double? bStd) =>
        MapBeforeReadout(l => l.MapLeaves(leaf => leaf is AffineLayer a ? a.WithVariances(wStd, bStd) : leaf));

    /// <summary>The same network with every activation layer's φ replaced by <paramref name="activation"/>, inside blocks too.</summary>
    public ArchitectureSpec WithActivation(Activation activation) =>
        With(Layers.Select(l => l.MapLeaves(leaf => leaf is ActivationLayer ? new ActivationLayer(activation) : leaf)).ToArray());

    private ArchitectureSpec MapBeforeReadout(Func<Layer, Layer> map, AbcParameterization? abc = null)
    {
        int readout = ReadoutIndex;
        return new ArchitectureSpec(InputShape, Parameterization, Layers.Select((l, i) => i == readout ? l : map(l)).ToArray(), abc ?? Abc);
    }

    private ArchitectureSpec With(IReadOnlyList<Layer> layers) => new(InputShape, Parameterization, layers, Abc);

    private static IEnumerable<ParameterUnit> Units(ArchitectureSpec spec)
    {
        int offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            foreach (var unit in spec.Layers[i].ParameterUnits(spec.ContextOf(i), offset)) yield return unit;
            offset += spec.Layers[i].ParameterTensorCount;
        }
    }

    /// <summary>
    /// The layers with each affine layer's factors: which of its dimensions grow is read off the same network at the base width
    /// and at twice it, and m is the ratio of the growing dimension here to its size at the base width.
    /// </summary>
    private Layer[] WithFactors(AbcParameterization abc)
    {
        var plain = abc with { Input = default, Hidden = default, Output = default, Bias = default };
        var atBase = Units(MapBeforeReadout(l => l.WithWidth(abc.BaseWidth), plain)).ToArray();
        var atDouble = Units(MapBeforeReadout(l => l.WithWidth(2 * abc.BaseWidth), plain)).ToArray();
        var here = Units(this).ToArray();
        var factors = new List<AbcFactors>();
        for (int u = 0; u < here.Length; u++)
        {
            if (here[u].Layer is not AffineLayer layer) continue;
            var (b, d) = ((AffineLayer)atBase[u].Layer, (AffineLayer)atDouble[u].Layer);
            int fanIn = layer.FanIn(here[u].Context.InputShape), fanInBase = b.FanIn(atBase[u].Context.InputShape);
            bool inGrows = d.FanIn(atDouble[u].Context.InputShape) != fanInBase, outGrows = d.Units != b.Units;
            if (inGrows && outGrows && !abc.AllowsHiddenWeights)
                throw new ArgumentException($"{abc.Name} is the limit of networks with one hidden layer, but this one has hidden weights (use mup for deeper networks)");
            factors.Add(abc.Factors(inGrows, outGrows, (double)fanIn / fanInBase, (double)layer.Units / b.Units));
        }
        int next = 0;
        var layers = Layers.Select(l => l.MapLeaves(leaf => leaf is AffineLayer a ? a with { Abc = factors[next++] } : leaf)).ToArray();
        // A repeat block keeps one set of layers for all its copies: they must play the same role.
        var resolved = Units(new ArchitectureSpec(InputShape, Parameterization, layers)).Select(u => u.Layer).OfType<AffineLayer>().Select(a => a.Abc);
        if (!resolved.SequenceEqual(factors))
            throw new ArgumentException($"a repeat block's copies play different roles under {abc.Name} (e.g. its first copy reads the input); put that layer before the block");
        return layers;
    }
}
