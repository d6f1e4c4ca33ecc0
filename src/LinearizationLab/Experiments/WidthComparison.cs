namespace LinearizationLab.Experiments;

/// <summary>
/// One width of one grid point compared on the test set (Lee et al. 2020, "Finite versus infinite neural networks", Fig. 1):
/// the network, its linearization, the ensemble of its seeds and the NTK-GP at the same time, at the last checkpoint and at
/// the best checkpoint (early stopping with the test set as its own validation set: the lowest loss and the highest accuracy
/// over checkpoints, each run on its own), beside the infinite-width predictors, which do not depend on the width. Finite
/// models are averaged over the seeds that did not diverge, with their standard deviations over seeds.
/// </summary>
/// <param name="Point">The grid point (the origin for a plain width sweep).</param>
/// <param name="Width">The hidden width.</param>
/// <param name="Step">The last checkpoint's step.</param>
/// <param name="Seeds">Runs averaged (the seeds that did not diverge).</param>
public sealed record WidthComparison(GridPoint Point, int Width, int Step, int Seeds)
{
    /// <summary>The network at the last checkpoint (centered when the point centers its models).</summary>
    public TestScore? Network { get; init; }

    /// <summary>The network at its best checkpoint.</summary>
    public TestScore? NetworkBest { get; init; }

    /// <summary>The linearization at the last checkpoint.</summary>
    public TestScore? Linearized { get; init; }

    /// <summary>The linearization at its best checkpoint.</summary>
    public TestScore? LinearizedBest { get; init; }

    /// <summary>Members of the ensemble (the sweep's <c>ensemble</c>), or null without one.</summary>
    public int? EnsembleMembers { get; init; }

    /// <summary>The ensemble mean f̄ at the last checkpoint (ensemble.csv), or null.</summary>
    public TestScore? Ensemble { get; init; }

    /// <summary>The ensemble mean at its best checkpoint, or null.</summary>
    public TestScore? EnsembleBest { get; init; }

    /// <summary>The NTK-GP mean at the last checkpoint's time (full-batch GD on MSE without decay), or null.</summary>
    public TestScore? NtkGp { get; init; }

    /// <summary>The NTK-GP mean at its best checkpoint, or null.</summary>
    public TestScore? NtkGpBest { get; init; }

    /// <summary>The NTK-GP mean at t = ∞ (<see cref="InfiniteWidthTest"/>), or null.</summary>
    public TestScore? NtkGpInfinity { get; init; }

    /// <summary>The NNGP posterior mean (<see cref="InfiniteWidthTest"/>), or null.</summary>
    public TestScore? Nngp { get; init; }
}
