namespace LinearizationLab.Experiments;

/// <summary>
/// The least-squares slope of log RMS against log width of one quantity of one layer after <paramref name="Step"/> steps: 0
/// when the coordinates neither grow nor vanish with width (what μP promises for every layer and step), positive when they blow
/// up (the standard parameterization under Adam at a fixed learning rate).
/// </summary>
/// <param name="Layer">The parameter unit, 1-based.</param>
/// <param name="Quantity">One of <see cref="CoordinateSize.Quantities"/>.</param>
/// <param name="Step">Training steps taken.</param>
/// <param name="Slope">d log RMS / d log n.</param>
public sealed record CoordinateSlope(int Layer, string Quantity, int Step, double Slope);
