using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// The infinite-width predictors on a sweep's test set, the horizontal lines of Lee et al. 2020 ("Finite versus infinite
/// neural networks", Fig. 1): the NNGP posterior mean K(x*, X)·(K(X, X) + εI)⁻¹·Y (exact Bayesian inference with the analytic
/// NNGP, jitter ε = 1e-10 × its mean diagonal, as sweep.json's predictive bands) and the NTK-GP mean at t = ∞,
/// Θ(x*, X)·Θ(X, X)⁻¹·Y (kernel regression with the analytic NTK: the limit of gradient descent on MSE with the initial function
/// averaged out, Lee et al. 2019, eq. 16). Each is scored by the sweep's MSE and, for labelled sets, argmax accuracy. Neither
/// depends on the width, the seed or the step: a sweep computes them once per grid point (<see cref="SweepContext.InfiniteWidthTest"/>).
/// Only K(x*, X) and Θ(x*, X) are needed, so any test set the sweep's kernels hold is scored.
/// </summary>
/// <param name="Nngp">The NNGP posterior mean's test score.</param>
/// <param name="NtkGpInfinity">The NTK-GP mean's test score at t = ∞.</param>
public sealed record InfiniteWidthTest(TestScore Nngp, TestScore NtkGpInfinity)
{
    /// <summary>
    /// The scores of <paramref name="context"/>'s infinite-width predictors on its test set; null without an NTK-GP (loss other
    /// than MSE, or no analytic kernels) or without a test set.
    /// </summary>
    public static InfiniteWidthTest? Of(SweepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.NtkGp is not { } gp || context.AllTrain is not { } kernels || context.Test.Count == 0) return null;
        var (train, test) = (context.Train, context.Test);
        int n = train.Count, m = test.Count;
        var trainNngp = MatrixBlocks.Corner(kernels.Nngp, n);
        double meanDiagonal = Enumerable.Range(0, n).Average(i => trainNngp[i, i]);
        var posterior = new NngpPosterior(trainNngp, CsvMatrix(train), 1e-10 * meanDiagonal);
        var nngp = posterior.Mean(MatrixBlocks.Rows(kernels.Nngp, n, m));
        var ntkGp = MatrixBlocks.Rows(gp.Mean(TrainingTime.Infinity), n, m);
        return new InfiniteWidthTest(Score(nngp, test), Score(ntkGp, test));
    }

    /// <summary>The MSE and (with labels) the accuracy of outputs [M, O] on <paramref name="test"/>.</summary>
    public static TestScore Score(double[,] outputs, Data.Dataset test)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(test);
        int m = outputs.GetLength(0), o = outputs.GetLength(1);
        var flat = new double[m * o];
        Buffer.BlockCopy(outputs, 0, flat, 0, flat.Length * sizeof(double));
        double loss = MeanSquaredError.Of(flat, test.Targets, m);
        return new TestScore(loss, test.Labels is null ? null : RegressionClassifier.Accuracy(outputs, test.Labels));
    }

    private static double[,] CsvMatrix(Data.Dataset set) => Data.CsvMatrix.FromRowMajor(set.Targets, set.Count, set.OutputCount);
}
