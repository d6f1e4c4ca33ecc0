using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Linearization;

/// <summary>Facts about the one MSE-dynamics engine: its gain, its spectrum and η_crit, and that both of its callers agree.</summary>
public class GradientDescentMseTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(80)]
    [InlineData(300)]
    public void TheLapackSpectrumAgreesWithTheManagedEigensolverOnRandomSpdMatrices(int n)
    {
        // Θ = AAᵀ/n: eigenvalues from LAPACK's dsyevd (Lapack.SymmetricEigen) against MathNet's managed symmetric eigensolver (the previous
        // implementation), and the gain at t = ∞ reconstructing Θ⁻¹ through the eigenvectors: 1e-10 relative.
        var random = new Random(n);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var a = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (_, _) => Gaussian());
        var theta = a * a.Transpose() / n + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(n) * 0.1;
        var dynamics = new GradientDescentMse(theta.ToArray());
        var reference = theta.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderByDescending(v => v).ToArray();
        for (int i = 0; i < n; i++) Assert.Equal(reference[i], dynamics.Eigenvalues[i], 1e-10 * reference[0]);
        // f_∞ = Θ·Θ⁻¹·Y = Y on the training set: the modes and values recompose Θ⁻¹ exactly enough.
        var y = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, 2, (_, _) => Gaussian());
        var change = dynamics.TestChange(dynamics.TestModes(theta), dynamics.ToModes(y), TrainingTime.Infinity);
        Assert.True((change - y).FrobeniusNorm() <= 1e-10 * y.FrobeniusNorm() * reference[0] / reference[^1]);
    }

    private const int Train = 12, Test = 5, Outputs = 2;

    /// <summary>Relative tolerance for the same O(1)-conditioned float64 arithmetic on a ≤ 12×12 kernel: ~1e-15·(terms), with margin.</summary>
    private const double RoundOff = 1e-14;

    [Fact]
    public void GainMatchesTheClosedFormsAndTheirSmallEigenvalueLimits()
    {
        // Flow: (1 − e^{−λt/N})/λ; GD: (1 − (1 − ηλ/N)^k)/λ; both → t/N as λ → 0 and 1/λ at t = ∞. Round-off ~1e-15.
        const int n = 4;
        // 1e-15 absolute on gains ≤ 1: a few ulps of one exp/pow and a division. 0.0 where a branch returns t/N or 1/λ exactly.
        Assert.Equal((1 - Math.Exp(-2.0 * 3 / n)) / 2, GradientDescentMse.Gain(2, TrainingTime.GradientFlow(3), n, 0), 1e-15);
        Assert.Equal((1 - Math.Pow(1 - 0.5 * 2 / n, 6)) / 2, GradientDescentMse.Gain(2, TrainingTime.GradientDescent(0.5, 6), n, 0), 1e-15);
        Assert.Equal(3.0 / n, GradientDescentMse.Gain(1e-20, TrainingTime.GradientFlow(3), n, 0), 1e-15);
        Assert.Equal(3.0 / n, GradientDescentMse.Gain(0, TrainingTime.GradientFlow(3), n, 1e-12), 0.0);
        Assert.Equal(0.5, GradientDescentMse.Gain(2, TrainingTime.Infinity, n, 0), 0.0);
        Assert.Equal(0.0, GradientDescentMse.Gain(1e-13, TrainingTime.Infinity, n, 1e-12), 0.0);
    }

    [Fact]
    public void TheSpectrumSumsToTheTraceAndGivesTheCriticalLearningRate()
    {
        var (train, _, _) = Problem();
        var dynamics = new GradientDescentMse(train.Ntk);
        double trace = Enumerable.Range(0, Train).Sum(i => train.Ntk[i, i]);
        // Σλ = tr Θ up to eigensolver round-off.
        Assert.Equal(trace, dynamics.Eigenvalues.Sum(), 1e-10 * trace);
        // Same expression 2N/λmax, so equal up to one rounding; absolute 1e-15 assumes η_crit = O(1).
        Assert.Equal(2.0 * Train / dynamics.MaxEigenvalue, dynamics.CriticalLearningRate, 1e-15);
        Assert.Equal(dynamics.Eigenvalues.OrderByDescending(v => v), dynamics.Eigenvalues);
    }

    [Fact]
    public void TheLinearDynamicsAndTheNtkGpAgreeOnTheSameKernel()
    {
        // One analytic Θ fed to both callers: the NTK-GP (one [N, N] kernel for every output) and the empirical linear
        // dynamics with f0 = 0, once with the same [N, N] kernel and once with the full kernel Θ ⊗ I_O [N·O, N·O].
        // The shared kernel is the same arithmetic (1e-14 covers summation order); Θ ⊗ I_O has each eigenvalue O times,
        // so its eigenvectors mix outputs, and the results agree to κ(Θ)·1e-16 with κ ≲ 1e3 here (1e-10 leaves margin).
        var (train, testTrain, y) = Problem();
        var gp = new NtkGaussianProcess(train, testTrain, y);
        var shared = new LinearMseDynamics(train.Ntk, new double[Train, Outputs], y);
        var full = new LinearMseDynamics(Kronecker(train.Ntk), new double[Train, Outputs], y);
        Assert.Equal(gp.CriticalLearningRate, shared.Dynamics.CriticalLearningRate, 1e-15 * gp.CriticalLearningRate);
        Assert.Equal(gp.CriticalLearningRate, full.Dynamics.CriticalLearningRate, 1e-12 * gp.CriticalLearningRate);
        Assert.Equal(Train, full.Dynamics.ExampleCount);

        double eta = 0.5 * gp.CriticalLearningRate;
        foreach (var time in new[] { TrainingTime.GradientDescent(eta, 30), TrainingTime.GradientFlow(eta * 30), TrainingTime.Infinity })
        {
            var mean = gp.Mean(time);
            MatrixAssert.Close(mean, shared.TestOutputs(testTrain.Ntk, new double[Test, Outputs], time), 1e-14);
            MatrixAssert.Close(mean, full.TestOutputs(Kronecker(testTrain.Ntk), new double[Test, Outputs], time), 1e-10);
        }
    }

    [Fact]
    public void GradientDescentIsStableJustBelowTheCriticalLearningRateAndDivergesJustAbove()
    {
        // Mode λ of the residual is scaled by (1 − ηλ/N) per step. Above η_crit the top mode grows by |1 − ηλ_max/N| = 1.02
        // per step, 1.02^2000 ≈ 1e17. Below it every mode shrinks, the slowest (λ_min) by 1 − ηλ_min/N; this kernel's
        // λ_min is not small (a full-rank analytic NTK of 12 points), so 2000 steps take the residual below 1e-3.
        var (train, _, y) = Problem();
        var dynamics = new LinearMseDynamics(train.Ntk, new double[Train, Outputs], y);
        double critical = dynamics.Dynamics.CriticalLearningRate, start = Residual(new double[Train, Outputs], y);
        Assert.True(Residual(dynamics.TrainOutputs(TrainingTime.GradientDescent(0.99 * critical, 2000)), y) < 1e-3 * start);
        Assert.True(Residual(dynamics.TrainOutputs(TrainingTime.GradientDescent(1.01 * critical, 2000)), y) > 1e3 * start);
    }

    [Fact]
    public void ARankDeficientKernelFitsTheProjectionOfTheTargetsAndLeavesItsNullSpaceAlone()
    {
        // Θ = v·vᵀ has one eigenvalue ‖v‖² and N − 1 zeros (up to round-off, below the zero rule): training moves f
        // only along v, so f_∞ = f0 + v·vᵀ(Y − f0)/‖v‖² (the zero modes get gain 0 at t = ∞, not 1/λ of round-off).
        double[] v = [1, -2, 0.5, 3];
        var kernel = new double[4, 4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) kernel[i, j] = v[i] * v[j];
        var f0 = new double[,] { { 0.3 }, { -0.1 }, { 0.2 }, { 0.0 } };
        var y = new double[,] { { 1 }, { 2 }, { -1 }, { 0.5 } };
        var dynamics = new LinearMseDynamics(kernel, f0, y);
        double norm2 = v.Sum(a => a * a), projection = Enumerable.Range(0, 4).Sum(i => v[i] * (y[i, 0] - f0[i, 0])) / norm2;
        var expected = new double[4, 1];
        for (int i = 0; i < 4; i++) expected[i, 0] = f0[i, 0] + v[i] * projection;
        MatrixAssert.Close(expected, dynamics.TrainOutputs(TrainingTime.Infinity), RoundOff);
        var step = dynamics.TrainOutputs(TrainingTime.GradientDescent(0.5 * dynamics.Dynamics.CriticalLearningRate, 1));
        // One step of f ← f − (η/N)Θ(f − y) with ηλ/N = 1: f moves by the whole projection, f_1 = f_∞.
        MatrixAssert.Close(expected, step, RoundOff);
    }

    private static (KernelPair Train, KernelPair TestTrain, double[,] Y) Problem()
    {
        var arch = new ArchitectureSpec([6], Parameterization.Ntk,
            [new DenseLayer(64, 1.4, 0.1), new ActivationLayer(Activation.Relu), new DenseLayer(Outputs, 1, 0.1)]);
        var x = TestInputs.Uniform(Train, 6, seed: 31);
        var xTest = TestInputs.Uniform(Test, 6, seed: 32);
        var y = new double[Train, Outputs];
        for (int i = 0; i < Train; i++)
        {
            y[i, 0] = Math.Sin(3 * x[i, 0]);
            y[i, 1] = x[i, 1] * x[i, 2];
        }

        return (AnalyticKernels.Compute(arch, x), AnalyticKernels.Compute(arch, xTest, x), y);
    }

    /// <summary>K ⊗ I_O: the full kernel [(i,k),(j,k')] = K[i,j]·δ_kk' of a network whose outputs are independent.</summary>
    private static double[,] Kronecker(double[,] k)
    {
        int r = k.GetLength(0), c = k.GetLength(1);
        var full = new double[r * Outputs, c * Outputs];
        for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
        for (int o = 0; o < Outputs; o++)
            full[i * Outputs + o, j * Outputs + o] = k[i, j];
        return full;
    }

    private static double Residual(double[,] f, double[,] y)
    {
        double s = 0;
        for (int i = 0; i < f.GetLength(0); i++)
        for (int j = 0; j < f.GetLength(1); j++)
            s += (f[i, j] - y[i, j]) * (f[i, j] - y[i, j]);
        return Math.Sqrt(s);
    }

}
