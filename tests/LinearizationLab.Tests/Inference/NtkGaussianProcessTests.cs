using LinearizationLab.Layers;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests.Inference;

/// <summary>Facts about the NTK-GP (Lee et al. 2019) mean and covariance at training time t.</summary>
public class NtkGaussianProcessTests
{
    private const int Train = 12, Test = 5, Outputs = 2;

    [Fact]
    public void MeanAtInfinityIsKernelRegression()
    {
        // μ_∞ = Θ(x*,X)Θ⁻¹Y. Θ(X,X) here has condition number ≲ 1e3, so eigen- and Cholesky-based solves agree
        // to ~κ·1e-16 relative; 1e-10 leaves margin.
        var (gp, train, testTrain, y, _) = Setup();
        var expected = Matrix<double>.Build.DenseOfArray(testTrain.Ntk)
            * Matrix<double>.Build.DenseOfArray(train.Ntk).Cholesky().Solve(Matrix<double>.Build.DenseOfArray(y));
        MatrixAssert.Close(expected.ToArray(), gp.Mean(TrainingTime.Infinity), 1e-10);
    }

    [Fact]
    public void AtTimeZeroTheMeanIsZeroAndTheCovarianceIsTheNngpPrior()
    {
        // f_0 ~ GP(0, K): g(λ) = (1 − e⁰)/λ = 0 exactly, so both hold to round-off.
        var (gp, _, _, _, testTest) = Setup();
        var mean = gp.Mean(TrainingTime.GradientFlow(0));
        foreach (double v in mean) Assert.Equal(0.0, v, 0.0);
        MatrixAssert.Close(testTest.Nngp, gp.Covariance(TrainingTime.GradientFlow(0)), 1e-15);
    }

    [Fact]
    public void AtInfinityTheTrainedEnsembleInterpolatesTheTrainingSetWithoutVariance()
    {
        // With x* = X, T_∞ = ΘΘ⁻¹ = I: μ = Y and Σ = K − K − K + K = 0, up to κ(Θ)·1e-16 relative to K.
        var (arch, x, y) = Problem();
        var train = AnalyticKernels.Compute(arch, x);
        var gp = new NtkGaussianProcess(train, train, y, train.Nngp);
        MatrixAssert.Close(y, gp.Mean(TrainingTime.Infinity), 1e-9);
        var covariance = gp.Covariance(TrainingTime.Infinity);
        double scale = train.Nngp[0, 0];
        foreach (double v in covariance) Assert.Equal(0.0, v, 1e-9 * scale);
    }

    [Fact]
    public void GradientDescentWithSmallStepsApproachesGradientFlow()
    {
        // (1 − ηλ/N)^k = e^{−λt/N}·(1 − kη²λ²/(2N²) + …) at t = ηk: the gap is first order in η.
        // With ηλ_max/N = 1e-3 and λ_max·t/N = 2 the relative gap is ≲ 1e-3; halving η halves it (ratio 2 ± 1%).
        var (gp, _, _, _, _) = Setup();
        double t = 2 * Train / gp.MaxEigenvalue;
        double eta = 1e-3 * Train / gp.MaxEigenvalue;
        long steps = (long)Math.Round(t / eta);
        var flow = gp.Mean(TrainingTime.GradientFlow(eta * steps));
        double gap1 = MaxDifference(flow, gp.Mean(TrainingTime.GradientDescent(eta, steps)));
        double gap2 = MaxDifference(flow, gp.Mean(TrainingTime.GradientDescent(eta / 2, steps * 2)));
        double scale = flow.Cast<double>().Max(Math.Abs);
        Assert.True(gap1 < 1e-3 * scale, $"gap {gap1} vs scale {scale}");
        Assert.Equal(2.0, gap1 / gap2, 0.02);
        double covarianceGap = MaxDifference(gp.Covariance(TrainingTime.GradientFlow(eta * steps)), gp.Covariance(TrainingTime.GradientDescent(eta, steps)));
        Assert.True(covarianceGap < 1e-3 * gp.Covariance(TrainingTime.GradientFlow(0))[0, 0]);
    }

    [Fact]
    public void CriticalLearningRateIsTwoNOverTheLargestEigenvalue()
    {
        // Loss ½·mean over N examples: f ← f − (η/N)Θ(f − y) is stable iff η < 2N/λ_max.
        var (gp, train, _, _, _) = Setup();
        double lambdaMax = Matrix<double>.Build.DenseOfArray(train.Ntk).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).Max();
        // λ_max of a small well-scaled symmetric matrix from two eigensolver calls: relative round-off ~1e-15, 1e-12 leaves margin.
        Assert.Equal(2.0 * Train / lambdaMax, gp.CriticalLearningRate, 1e-12 * gp.CriticalLearningRate);
    }

    private static (NtkGaussianProcess Gp, KernelPair Train, KernelPair TestTrain, double[,] Y, KernelPair TestTest) Setup()
    {
        var (arch, x, y) = Problem();
        var xTest = TestInputs.Uniform(Test, 6, seed: 22);
        var train = AnalyticKernels.Compute(arch, x);
        var testTrain = AnalyticKernels.Compute(arch, xTest, x);
        var testTest = AnalyticKernels.Compute(arch, xTest);
        return (new NtkGaussianProcess(train, testTrain, y, testTest.Nngp), train, testTrain, y, testTest);
    }

    private static (ArchitectureSpec Arch, double[,] X, double[,] Y) Problem()
    {
        var arch = new ArchitectureSpec([6], Parameterization.Ntk,
            [new DenseLayer(64, 1.4, 0.1), new ActivationLayer(Activation.Relu), new DenseLayer(Outputs, 1, 0.1)]);
        var x = TestInputs.Uniform(Train, 6, seed: 21);
        var y = new double[Train, Outputs];
        for (int i = 0; i < Train; i++)
        {
            y[i, 0] = Math.Sin(3 * x[i, 0]);
            y[i, 1] = x[i, 1] * x[i, 2];
        }

        return (arch, x, y);
    }

    private static double MaxDifference(double[,] a, double[,] b)
    {
        double max = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
            max = Math.Max(max, Math.Abs(a[i, j] - b[i, j]));
        return max;
    }

}
