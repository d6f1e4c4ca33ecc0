namespace LinearizationLab.Experiments;

/// <summary>
/// One width's ensemble at one checkpoint: the mean output f̄ = (1/K)·Σ_k f_k of K independently initialized networks on the
/// test set, its loss and accuracy, its RMSE to the NTK-GP mean, and the members' own average loss and accuracy beside them.
/// </summary>
/// <param name="Point">The grid point ("" for a plain width sweep).</param>
/// <param name="Width">The hidden width.</param>
/// <param name="Step">The checkpoint's step.</param>
/// <param name="Members">K, the members that finished (the first K seeds that did not diverge).</param>
/// <param name="TestLoss">The sweep's loss of f̄ on the test set.</param>
/// <param name="TestAccuracy">argmax accuracy of f̄ (classification: O ≥ 2), else null.</param>
/// <param name="NtkGpRmse">RMSE(f̄, mean over members of the NTK-GP mean at their times), where the runs have an NTK-GP.</param>
/// <param name="MemberTestLoss">The members' mean test loss.</param>
/// <param name="MemberTestAccuracy">The members' mean test accuracy, or null.</param>
public sealed record EnsembleCheckpoint(string Point, int Width, int Step, int Members, double TestLoss, double? TestAccuracy,
    double? NtkGpRmse, double MemberTestLoss, double? MemberTestAccuracy);
