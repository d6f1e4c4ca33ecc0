namespace LinearizationLab.Layers;

/// <summary>
/// How one parameter tensor of a layer is drawn at initialization: entries N(<paramref name="Mean"/>, <paramref name="Std"/>²)
/// of shape <paramref name="Shape"/> (weights and biases have mean 0; a normalization's gain starts at 1 with <c>Std</c> 0).
/// </summary>
public sealed record ParameterInit(long[] Shape, double Std, double Mean = 0);
