namespace LinearizationLab.Architecture;

/// <summary>One layer of an arch.json network. Shapes exclude the batch axis: [d] or [C,L] or [C,H,W].</summary>
public abstract record LayerSpec
{
    /// <summary>The arch.json <c>type</c> of this layer.</summary>
    public abstract string TypeName { get; }

    /// <summary>The output shape for <paramref name="input"/>; throws <see cref="ArgumentException"/> with the reason when the layer cannot take it.</summary>
    public abstract int[] OutputShape(int[] input);
}
