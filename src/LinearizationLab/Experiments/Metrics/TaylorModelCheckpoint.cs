namespace LinearizationLab.Experiments.Metrics;

/// <summary>The Taylor model f_k of order k ≥ 2 (<see cref="Linearization.TaylorizedNetwork"/>) at a checkpoint.</summary>
/// <param name="Order">k.</param>
/// <param name="Model">Its outputs, loss and accuracy.</param>
/// <param name="Ntk">Its kernel Θ̂_k,t on the kernel examples, output-averaged (taken when it was trained to this step).</param>
public sealed record TaylorModelCheckpoint(int Order, ModelCheckpoint Model, double[,] Ntk);
