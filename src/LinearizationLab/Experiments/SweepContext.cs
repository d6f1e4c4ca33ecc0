using LinearizationLab.Analytic;
using LinearizationLab.Data;
using LinearizationLab.Inference;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// What every run of a sweep shares and is computed once: the data, and the infinite-width side —
/// the analytic NNGP and NTK (widths do not enter them) on the training and test inputs, and the
/// NTK-GP (Lee et al. 2019) whose mean at the runs' times is compared with the trained networks.
/// </summary>
public sealed class SweepContext
{
    private SweepContext(SweepSpec spec, Dataset train, Dataset test, int kernelCount, KernelPair allTrain, NtkGaussianProcess? gp)
    {
        Spec = spec;
        Train = train;
        Test = test;
        KernelCount = kernelCount;
        AllTrain = allTrain;
        NtkGp = gp;
    }

    /// <summary>The sweep.</summary>
    public SweepSpec Spec { get; }

    /// <summary>Training set (fitted to the architecture's input shape).</summary>
    public Dataset Train { get; }

    /// <summary>Test set.</summary>
    public Dataset Test { get; }

    /// <summary>Number of leading training examples on which kernels are compared.</summary>
    public int KernelCount { get; }

    /// <summary>Analytic kernels between [train; test] (rows) and train (columns).</summary>
    public KernelPair AllTrain { get; }

    /// <summary>The NTK-GP over [train; test] (MSE sweeps only), or null.</summary>
    public NtkGaussianProcess? NtkGp { get; }

    /// <summary>The analytic NTK Θ on the kernel examples.</summary>
    public double[,] AnalyticNtk => Corner(AllTrain.Ntk, KernelCount);

    /// <summary>The analytic NNGP K on the kernel examples.</summary>
    public double[,] AnalyticNngp => Corner(AllTrain.Nngp, KernelCount);

    /// <summary>The sweep-level record written as sweep.json (analytic kernel corner and spectrum, infinite-width predictions).</summary>
    public SweepInfo BuildInfo() => SweepInfo.Create(this);

    /// <summary>Loads the data and computes the analytic kernels (seconds for hundreds of examples).</summary>
    public static SweepContext Create(SweepSpec spec, IProgress<double>? progress = null)
    {
        var (train, test) = spec.Data.Load();
        train = spec.Data.FitToInputShape(train, spec.Template.InputShape);
        test = spec.Data.FitToInputShape(test, spec.Template.InputShape);
        if (train.OutputCount != spec.Template.OutputCount)
            throw new InvalidInputException(spec.File, "arch",
                $"the network has {spec.Template.OutputCount} outputs but the data has {train.OutputCount} targets per example");
        int kernelCount = Math.Min(spec.KernelExamples ?? train.Count, train.Count);
        var x = CsvMatrix.FromRowMajor([.. train.Inputs, .. test.Inputs], train.Count + test.Count, train.FeatureSize);
        var xTrain = CsvMatrix.FromRowMajor(train.Inputs, train.Count, train.FeatureSize);
        var kernels = AnalyticKernels.Compute(spec.Template, x, xTrain, progress);
        NtkGaussianProcess? gp = null;
        if (spec.Loss is MeanSquaredError)
        {
            var trainPair = new KernelPair(Corner(kernels.Nngp, train.Count), Corner(kernels.Ntk, train.Count));
            gp = new NtkGaussianProcess(trainPair, kernels, CsvMatrix.FromRowMajor(train.Targets, train.Count, train.OutputCount));
        }
        return new SweepContext(spec, train, test, kernelCount, kernels, gp);
    }

    /// <summary>The leading n×n block of a matrix.</summary>
    public static double[,] Corner(double[,] m, int n) => Corner(m, n, n);

    /// <summary>The leading rows×cols block of a matrix.</summary>
    public static double[,] Corner(double[,] m, int rows, int cols)
    {
        var c = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            c[i, j] = m[i, j];
        return c;
    }
}
