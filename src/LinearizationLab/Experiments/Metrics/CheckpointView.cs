using LinearizationLab.Layers;
using LinearizationLab.Empirical;
using LinearizationLab.Inference;
using LinearizationLab.Linearization;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// What the metrics of one checkpoint of a sweep run see, at the moment the network has taken <see cref="Step"/> updates
/// (its parameters θ_t are live) and every comparator trained from the same θ0 has been brought to the same step: the
/// models' outputs and losses, θ_t and θ0, the empirical kernels at initialization and at t, the analytic kernels, the
/// NTK-GP mean at time t, the hierarchy. Each expensive quantity is computed once per checkpoint (or run), when a metric
/// first asks for it, so metrics share their inputs instead of recomputing them.
/// </summary>
public sealed class CheckpointView
{
    private readonly RunView _run;
    private readonly Lazy<NtkResult> _ntk;
    private readonly Lazy<double> _ntkMaxEigenvalue;
    private readonly Lazy<double[,]?> _ntkGpMean;

    internal CheckpointView(RunView run, int step, ModelCheckpoint network, ModelCheckpoint linearized,
        IReadOnlyList<TaylorModelCheckpoint> taylor, HierarchyCheckpoint? hierarchy, IReadOnlyList<double> networkStepLosses)
    {
        _run = run;
        (Step, Network, Linearized, Taylor, Hierarchy, NetworkStepLosses) = (step, network, linearized, taylor, hierarchy, networkStepLosses);
        _ntk = new(() => step == 0 ? run.InitialNtk
            : run.EmpiricalNtk.Compute(run.KernelX, null, run.Context.Spec.NtkMethod, perLayer: true));
        _ntkMaxEigenvalue = new(() => step == 0 ? InitialNtkMaxEigenvalue : new GradientDescentMse(Ntk.Averaged).MaxEigenvalue);
        _ntkGpMean = new(() => run.Context.NtkGp is { } gp && run.Optimizer.IsGradientDescentLike
            ? gp.Mean(TrainingTime.GradientDescent(run.Optimizer.LearningRate, step)) : null);
    }

    /// <summary>Number of updates t done by every model.</summary>
    public int Step { get; }

    /// <summary>The sweep's data, analytic kernels and NTK-GP.</summary>
    public SweepContext Context => _run.Context;

    /// <summary>The training loss.</summary>
    public Loss Loss => _run.Context.Spec.Setup.Loss;

    /// <summary>The optimizer of every model, at its resolved learning rate η.</summary>
    public OptimizerSpec Optimizer => _run.Optimizer;

    /// <summary>Whether the sweep has a test set (and so test outputs).</summary>
    public bool HasTestSet => Network.Test.Length > 0;

    /// <summary>The network f(x; θ_t).</summary>
    public ModelCheckpoint Network { get; }

    /// <summary>The linearization f_lin_t = f_0 + J_0·(θ_t − θ_0), trained alongside; NaN past its divergence.</summary>
    public ModelCheckpoint Linearized { get; }

    /// <summary>The Taylor models of order ≥ 2 (the sweep's <c>taylor_orders</c>) that have not diverged by this step, by increasing order.</summary>
    public IReadOnlyList<TaylorModelCheckpoint> Taylor { get; }

    /// <summary>The truncated NTK hierarchy at this step's time; null unless the sweep asks for it (<c>hierarchy</c>).</summary>
    public HierarchyCheckpoint? Hierarchy { get; }

    /// <summary>The network's training loss at each step taken so far (its batch loss under SGD), before the update of that step.</summary>
    public IReadOnlyList<double> NetworkStepLosses { get; }

    /// <summary>θ_t, the network's parameters now.</summary>
    public IReadOnlyList<Tensor> Parameters => _run.Network.Parameters;

    /// <summary>Whether the network's parameterization trains some tensor at a learning rate other than η (at widths other than its base width).</summary>
    public bool HasLayerLearningRates => _run.Network.Spec.ScalesLearningRates;

    /// <summary>θ0.</summary>
    public IReadOnlyList<Tensor> InitialParameters => _run.InitialParameters;

    /// <summary>‖θ0‖ over all parameters (computed once per run).</summary>
    public double InitialParameterNorm => _run.InitialParameterNorm;

    /// <summary>
    /// Every parameter unit's input a and output z (pre-activation) on the kernel examples at θ_t, from one forward pass; the
    /// tensors join the caller's dispose scope.
    /// </summary>
    public ForwardTrace UnitTrace() => _run.UnitTrace(Parameters);

    /// <summary>The same at θ0, computed once per run.</summary>
    public ForwardTrace InitialUnitTrace => _run.InitialUnits;

    /// <summary>Θ̂0 on the kernel examples, full, output-averaged and per affine layer.</summary>
    public NtkResult InitialNtk => _run.InitialNtk;

    /// <summary>Θ̂_t on the kernel examples, full, output-averaged and per affine layer (Θ̂0 itself at step 0).</summary>
    public NtkResult Ntk => _ntk.Value;

    /// <summary>The eigenvalues of the output-averaged Θ̂0, largest first.</summary>
    public IReadOnlyList<double> InitialNtkSpectrum => _run.InitialSpectrum;

    /// <summary>λ_max of the output-averaged Θ̂0.</summary>
    public double InitialNtkMaxEigenvalue => _run.InitialSpectrum[0];

    /// <summary>λ_max of the output-averaged Θ̂_t (<see cref="InitialNtkMaxEigenvalue"/> at step 0).</summary>
    public double NtkMaxEigenvalue => _ntkMaxEigenvalue.Value;

    /// <summary>K̂0, the empirical NNGP at θ0 on the kernel examples.</summary>
    public double[,] InitialNngp => _run.InitialNngp;

    /// <summary>dΘ̂/dτ(0) on the kernel examples, output-averaged, for the gradient flow dθ/dτ = −∇L of the training loss on the whole training set.</summary>
    public double[,] InitialNtkVelocity => _run.InitialNtkVelocity;

    /// <summary>The analytic NTK Θ on the kernel examples.</summary>
    public double[,]? AnalyticNtk => _run.Context.AnalyticNtk;

    /// <summary>The analytic NNGP K on the kernel examples.</summary>
    public double[,]? AnalyticNngp => _run.Context.AnalyticNngp;

    /// <summary>
    /// The NTK-GP mean at the time of this step, [N + M, O] over [train; test] (Lee et al. 2019, eq. 16); null without an
    /// NTK-GP (losses other than MSE) or for minibatch training, which has no such time.
    /// </summary>
    public double[,]? NtkGpMean => _ntkGpMean.Value;
}
