using LinearizationLab.Inference;
using LinearizationLab.Linearization;

namespace LinearizationLab.Runs;

/// <summary>The outcome of a <see cref="GpExperiment"/>: both infinite-width predictors on the same test set.</summary>
/// <param name="TrainSize">Number of training examples N.</param>
/// <param name="TestSize">Number of test examples M.</param>
/// <param name="NoiseVariance">The diagonal regularizer σ² added to K(X,X) and Θ(X,X).</param>
/// <param name="Time">Training time of the NTK-GP (∞ for kernel regression).</param>
/// <param name="Nngp">Metrics of the NNGP posterior mean K(x*,X)(K + σ²I)⁻¹Y.</param>
/// <param name="Ntk">Metrics of the NTK-GP mean at <paramref name="Time"/>.</param>
/// <param name="KernelSeconds">Wall time spent computing analytic kernels.</param>
/// <param name="WallSeconds">Total wall time (kernels, factorizations, predictions).</param>
public sealed record GpResult(int TrainSize, int TestSize, double NoiseVariance, TrainingTime Time,
    GpMetrics Nngp, GpMetrics Ntk, double KernelSeconds, double WallSeconds)
{
    /// <summary>At finite t, the degree of the Chebyshev expansion of the NTK-GP's gain (products with Θ(X,X)); null at t = ∞.</summary>
    public int? ChebyshevDegree { get; init; }

    /// <summary>How many times the training kernels' recursion ran: 1 when both kernels' tiles fit in half the memory, else 2.</summary>
    public int KernelPasses { get; init; } = 1;

    /// <summary>The NNGP posterior mean on the test set, M × O (rows in test order), or null where it was not kept.</summary>
    public double[,]? NngpPredictions { get; init; }

    /// <summary>The NTK-GP mean on the test set, M × O (rows in test order), or null where it was not kept.</summary>
    public double[,]? NtkPredictions { get; init; }

    /// <summary>The prediction files <see cref="GpExperiment.Execute"/> wrote beside gp.json (NNGP, then NTK-GP); empty otherwise.</summary>
    public IReadOnlyList<string> PredictionFiles { get; init; } = [];
}
