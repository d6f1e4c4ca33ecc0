using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Linearization;

/// <summary>
/// The eigenvalues of a full empirical NTK Θ̂0 [N·O, N·O] (symmetric PSD) and the largest learning rate for which
/// full-batch gradient descent on the linearized model is stable under this project's loss ½·(1/N)Σ_n‖f − y‖²:
/// η_crit = 2N/λ_max (KERNEL-CONVENTIONS.md; Lee et al. 2019, §2.4, with our per-example mean).
/// </summary>
public sealed class NtkSpectrum
{
    private NtkSpectrum(double[] eigenvalues) => Eigenvalues = eigenvalues;

    /// <summary>All eigenvalues, largest first.</summary>
    public IReadOnlyList<double> Eigenvalues { get; }

    /// <summary>λ_max(Θ̂0).</summary>
    public double MaxEigenvalue => Eigenvalues[0];

    /// <summary>λ_min(Θ̂0) (≥ 0 up to round-off).</summary>
    public double MinEigenvalue => Eigenvalues[^1];

    /// <summary>λ_max/λ_min, the condition number (infinite when λ_min ≤ 0).</summary>
    public double ConditionNumber => MinEigenvalue > 0 ? MaxEigenvalue / MinEigenvalue : double.PositiveInfinity;

    /// <summary>η_crit = 2N/λ_max for loss ½·mean over <paramref name="exampleCount"/> examples of ‖f − y‖².</summary>
    public double CriticalLearningRate(int exampleCount) => 2.0 * exampleCount / MaxEigenvalue;

    /// <summary>The spectrum of a symmetric kernel matrix (e.g. <c>NtkResult.Full</c> on the training inputs).</summary>
    public static NtkSpectrum Of(double[,] kernel)
    {
        if (kernel.GetLength(0) != kernel.GetLength(1)) throw new ArgumentException("the kernel must be square");
        var evd = Matrix<double>.Build.DenseOfArray(kernel).Evd(Symmetricity.Symmetric);
        return new NtkSpectrum(evd.EigenValues.Select(c => c.Real).OrderByDescending(v => v).ToArray());
    }
}
