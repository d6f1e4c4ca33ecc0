using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// The outputs of the linearized network f_lin = f0 + J0(θ − θ0) trained with full-batch gradient descent or gradient
/// flow on MSE, in closed form from its empirical NTK Θ̂0 and its initial outputs (Lee et al. 2019, eqs. 8–11):
/// <see cref="GradientDescentMse"/> with f_0 the network's outputs at θ0, so at training time t
/// f_t(X) = f0(X) + (I − D_t)(Y − f0(X)) and f_t(x*) = f0(x*) + Θ̂0(x*, X)·Θ̂0⁻¹·(I − D_t)(Y − f0(X)).
/// The kernel is the full Θ̂0 [N·O, N·O] (outputs example-major, index n·O + k) or one [N, N] kernel for every output.
/// </summary>
public sealed class LinearMseDynamics
{
    private readonly Matrix<double> _f0;             // f0(X): [N·O, 1] for the full kernel, [N, O] for a shared one
    private readonly Matrix<double> _residualModes;  // Vᵀ(Y − f0(X))

    /// <summary>From the train kernel Θ̂0(X, X), the initial train outputs f0(X) [N, O] and the targets Y [N, O].</summary>
    /// <exception cref="ArgumentException">The kernel is neither [N·O, N·O] nor [N, N], or the targets' shape differs.</exception>
    public LinearMseDynamics(double[,] trainKernel, double[,] initialOutputs, double[,] targets)
    {
        ArgumentNullException.ThrowIfNull(trainKernel);
        ArgumentNullException.ThrowIfNull(initialOutputs);
        ArgumentNullException.ThrowIfNull(targets);
        ExampleCount = initialOutputs.GetLength(0);
        OutputCount = initialOutputs.GetLength(1);
        int full = ExampleCount * OutputCount, size = trainKernel.GetLength(0);
        if ((size != full && size != ExampleCount) || trainKernel.GetLength(1) != size)
            throw new ArgumentException($"the train kernel must be [{full}, {full}] (N·O square) or [{ExampleCount}, {ExampleCount}] (one kernel for every output)", nameof(trainKernel));
        if (targets.GetLength(0) != ExampleCount || targets.GetLength(1) != OutputCount)
            throw new ArgumentException("targets must have the shape of the initial outputs", nameof(targets));
        Dynamics = new GradientDescentMse(trainKernel, size == full ? OutputCount : 1);
        _f0 = OnKernelRows(initialOutputs);
        _residualModes = Dynamics.ToModes(OnKernelRows(targets) - _f0);
    }

    /// <summary>Number of training examples N.</summary>
    public int ExampleCount { get; }

    /// <summary>Number of outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>The MSE dynamics of Θ̂0: its spectrum, η_crit and gains.</summary>
    public GradientDescentMse Dynamics { get; }

    /// <summary>f_t(X) [N, O] after training for <paramref name="time"/>.</summary>
    public double[,] TrainOutputs(TrainingTime time) => FromKernelRows(_f0 + Dynamics.TrainChange(_residualModes, time), ExampleCount);

    /// <summary>
    /// f_t(x*) [M, O] at test points after training for <paramref name="time"/>, from Θ̂0(x*, X) ([M·O, N·O], or
    /// [M, N] with a shared kernel) and f0(x*) [M, O].
    /// </summary>
    public double[,] TestOutputs(double[,] testTrainKernel, double[,] initialTestOutputs, TrainingTime time)
    {
        ArgumentNullException.ThrowIfNull(testTrainKernel);
        ArgumentNullException.ThrowIfNull(initialTestOutputs);
        int m = initialTestOutputs.GetLength(0), rows = m * Dynamics.OutputCount, columns = ExampleCount * Dynamics.OutputCount;
        if (initialTestOutputs.GetLength(1) != OutputCount || testTrainKernel.GetLength(0) != rows || testTrainKernel.GetLength(1) != columns)
            throw new ArgumentException($"the test-train kernel must be [{rows}, {columns}] and the test outputs [{m}, {OutputCount}]");
        var testModes = Dynamics.TestModes(Matrix<double>.Build.DenseOfArray(testTrainKernel));
        return FromKernelRows(OnKernelRows(initialTestOutputs) + Dynamics.TestChange(testModes, _residualModes, time), m);
    }

    /// <summary>Outputs [n, O] on the kernel's rows: one column n·O + k for the full kernel, the matrix itself for a shared one.</summary>
    private Matrix<double> OnKernelRows(double[,] outputs)
    {
        if (Dynamics.OutputCount == 1) return Matrix<double>.Build.DenseOfArray(outputs);
        int o = OutputCount;
        return Matrix<double>.Build.Dense(outputs.Length, 1, (i, _) => outputs[i / o, i % o]);
    }

    private double[,] FromKernelRows(Matrix<double> values, int n)
    {
        if (Dynamics.OutputCount == 1) return values.ToArray();
        int o = OutputCount;
        var m = new double[n, o];
        for (int i = 0; i < n * o; i++) m[i / o, i % o] = values[i, 0];
        return m;
    }
}
