namespace LinearizationLab.Architecture;

/// <summary>An elementwise nonlinearity; keeps the shape.</summary>
public sealed record ActivationSpec(Activation Function) : LayerSpec
{
    /// <inheritdoc/>
    public override string TypeName => Function.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    public override int[] OutputShape(int[] input) => input;
}
