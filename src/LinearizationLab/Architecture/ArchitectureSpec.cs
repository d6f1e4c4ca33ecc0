using LinearizationLab.Layers;

namespace LinearizationLab.Architecture;

/// <summary>
/// A network as arch.json describes it (neural-tangents <c>stax.serial</c> of the layers).
/// Shapes are validated at construction: <see cref="Shapes"/>[i] is the input shape of layer i,
/// and the last entry the output shape [O].
/// </summary>
public sealed record ArchitectureSpec
{
    /// <summary>Builds and validates a spec; throws <see cref="ArgumentException"/> naming the layer index on a shape mismatch.</summary>
    public ArchitectureSpec(int[] inputShape, Parameterization parameterization, IReadOnlyList<Layer> layers)
    {
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
            catch (ArgumentException e) { throw new LayerShapeException(i, e.Message); }
        }
        if (shapes[^1].Length != 1)
            throw new LayerShapeException(layers.Count - 1,
                $"the network must end with a flat output but ends with shape [{string.Join(",", shapes[^1])}]");
        Shapes = shapes;
    }

    /// <summary>Shape of one example, without the batch axis.</summary>
    public int[] InputShape { get; }

    /// <summary>NTK or standard parameterization.</summary>
    public Parameterization Parameterization { get; }

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

    /// <summary>Indices of the affine (dense or conv) layers, in order.</summary>
    public IReadOnlyList<int> AffineLayerIndices =>
        Enumerable.Range(0, Layers.Count).Where(i => Layers[i] is AffineLayer).ToArray();

    /// <summary>Where layer <paramref name="index"/> sits: the parameterization and its input shape.</summary>
    public LayerContext ContextOf(int index) => new(Parameterization, Shapes[index]);

    /// <summary>
    /// The same network with every hidden affine layer's width (dense width, conv channels) set to
    /// <paramref name="width"/>; the readout layer keeps its width. Used by width sweeps.
    /// </summary>
    public ArchitectureSpec WithHiddenWidth(int width)
    {
        int readout = AffineLayerIndices[^1];
        var layers = Layers.Select((l, i) => i == readout ? l : l.WithWidth(width)).ToArray();
        return new ArchitectureSpec(InputShape, Parameterization, layers);
    }

    /// <summary>
    /// The same network with <paramref name="blocks"/> hidden blocks: a block is the layers from one hidden affine layer up
    /// to the next affine layer (e.g. dense + relu); the template's first block is repeated (its later hidden blocks are
    /// dropped), and what precedes it and the readout (from the last affine layer on) are kept.
    /// </summary>
    public ArchitectureSpec WithDepth(int blocks)
    {
        if (blocks < 1) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "at least one hidden block");
        var affine = AffineLayerIndices;
        if (affine.Count < 2) throw new InvalidOperationException("the architecture has no hidden affine layer whose block could be repeated");
        int first = affine[0], next = affine[1], readout = affine[^1];
        var block = Layers.Skip(first).Take(next - first).ToArray();
        var layers = Layers.Take(first).Concat(Enumerable.Repeat(block, blocks).SelectMany(b => b)).Concat(Layers.Skip(readout)).ToArray();
        return new ArchitectureSpec(InputShape, Parameterization, layers);
    }

    /// <summary>The same network with every hidden affine layer's w_std and/or b_std replaced (the readout keeps its own).</summary>
    public ArchitectureSpec WithHiddenVariances(double? wStd, double? bStd)
    {
        int readout = AffineLayerIndices[^1];
        var layers = Layers.Select((l, i) => i == readout || l is not AffineLayer a ? l
            : a switch
            {
                DenseLayer d => d with { WStd = wStd ?? d.WStd, BStd = bStd ?? d.BStd },
                ConvLayer c => (Layer)(c with { WStd = wStd ?? c.WStd, BStd = bStd ?? c.BStd }),
                _ => l,
            }).ToArray();
        return new ArchitectureSpec(InputShape, Parameterization, layers);
    }

    /// <summary>The same network with every activation layer's φ replaced by <paramref name="activation"/>.</summary>
    public ArchitectureSpec WithActivation(Activation activation) =>
        new(InputShape, Parameterization, Layers.Select(l => l is ActivationLayer ? new ActivationLayer(activation) : l).ToArray());
}
