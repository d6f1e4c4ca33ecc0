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
}
