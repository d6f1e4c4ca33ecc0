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
    private SweepContext(SweepSpec spec, Dataset train, Dataset test, int kernelCount, KernelPair? allTrain, NtkGaussianProcess? gp,
        Lazy<InfiniteWidthTest?>? infiniteWidthTest = null)
    {
        Spec = spec;
        Train = train;
        Test = test;
        KernelCount = kernelCount;
        AllTrain = allTrain;
        NtkGp = gp;
        _infiniteWidthTest = infiniteWidthTest
            ?? new Lazy<InfiniteWidthTest?>(() => Experiments.InfiniteWidthTest.Of(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private readonly Lazy<InfiniteWidthTest?> _infiniteWidthTest;

    private readonly Dictionary<string, SweepContext> _points = [];

    /// <summary>The sweep.</summary>
    public SweepSpec Spec { get; }

    /// <summary>
    /// The context of grid point <paramref name="point"/>: its spec (<see cref="SweepSpec.At"/>) with its own analytic kernels
    /// (depth, variances and activation change them), computed once per point and shared by its runs; the origin is this one.
    /// Centering changes neither the data nor the kernels, so points that differ only in <c>center</c> share them (and the
    /// infinite-width test scores): a <c>center</c> axis costs no second computation.
    /// </summary>
    public SweepContext At(GridPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.IsOrigin) return this;
        lock (_points)
        {
            if (_points.TryGetValue(point.Label, out var context)) return context;
            var uncentered = new GridPoint([.. point.Values.Where(v => v.Axis != "center")]);
            var spec = Spec.At(point);
            if (uncentered.Equals(point)) context = Create(spec);
            else
            {
                var twin = At(uncentered);
                context = new SweepContext(spec, twin.Train, twin.Test, twin.KernelCount, twin.AllTrain, twin.NtkGp, twin._infiniteWidthTest);
            }
            return _points[point.Label] = context;
        }
    }

    /// <summary>Training set (fitted to the architecture's input shape).</summary>
    public Dataset Train { get; }

    /// <summary>Test set.</summary>
    public Dataset Test { get; }

    /// <summary>Number of leading training examples on which kernels are compared.</summary>
    public int KernelCount { get; }

    /// <summary>
    /// Analytic kernels between [train; test] (rows) and train (columns); null where the parameterization's infinite-width
    /// limit is not a kernel (<see cref="Architecture.ArchitectureSpec.HasAnalyticKernels"/>).
    /// </summary>
    public KernelPair? AllTrain { get; }

    /// <summary>The NTK-GP over [train; test] (MSE sweeps only), or null.</summary>
    public NtkGaussianProcess? NtkGp { get; }

    /// <summary>
    /// The NNGP posterior mean's and the NTK-GP mean's (t = ∞) test scores, computed once when first asked for; null without an
    /// NTK-GP or a test set (<see cref="Experiments.InfiniteWidthTest.Of"/>).
    /// </summary>
    public InfiniteWidthTest? InfiniteWidthTest => _infiniteWidthTest.Value;

    /// <summary>The analytic NTK Θ on the kernel examples.</summary>
    public double[,]? AnalyticNtk => AllTrain is null ? null : MatrixBlocks.Corner(AllTrain.Ntk, KernelCount);

    /// <summary>The analytic NNGP K on the kernel examples.</summary>
    public double[,]? AnalyticNngp => AllTrain is null ? null : MatrixBlocks.Corner(AllTrain.Nngp, KernelCount);

    /// <summary>The sweep-level record written as sweep.json (analytic kernel corner and spectrum, infinite-width predictions).</summary>
    public SweepInfo BuildInfo() => SweepInfo.Create(this);

    /// <summary>Loads the data and computes the analytic kernels (seconds for hundreds of examples).</summary>
    public static SweepContext Create(SweepSpec spec, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (train, test) = spec.Setup.Data.LoadFor(spec.Setup.Arch);
        return Create(spec, train, test, progress);
    }

    /// <summary>The context of <paramref name="spec"/> on data already loaded (<see cref="DataSpec.LoadFor"/> of its architecture).</summary>
    public static SweepContext Create(SweepSpec spec, Dataset train, Dataset test, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (spec.Hierarchy && train.Count * train.OutputCount > Linearization.NtkHierarchy.MaxOutputs)
            throw new InvalidInputException(spec.File, "hierarchy",
                $"the hierarchy keeps O₄ with (N·O)⁴ entries; N·O = {train.Count * train.OutputCount} exceeds {Linearization.NtkHierarchy.MaxOutputs} (use a smaller train_size)");
        int kernelCount = Math.Min(spec.KernelExamples ?? train.Count, train.Count);
        if (!spec.Setup.Arch.HasAnalyticKernels) return new SweepContext(spec, train, test, kernelCount, null, null);
        var x = CsvMatrix.FromRowMajor([.. train.Inputs, .. test.Inputs], train.Count + test.Count, train.FeatureSize);
        var xTrain = CsvMatrix.FromRowMajor(train.Inputs, train.Count, train.FeatureSize);
        var kernels = AnalyticKernels.Compute(spec.Setup.Arch, x, xTrain, progress);
        NtkGaussianProcess? gp = null;
        if (spec.Setup.Loss is MeanSquaredError)
        {
            var trainPair = new KernelPair(MatrixBlocks.Corner(kernels.Nngp, train.Count), MatrixBlocks.Corner(kernels.Ntk, train.Count));
            gp = new NtkGaussianProcess(trainPair, kernels, CsvMatrix.FromRowMajor(train.Targets, train.Count, train.OutputCount));
        }
        return new SweepContext(spec, train, test, kernelCount, kernels, gp);
    }
}
