using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// What every checkpoint of one sweep run shares (<see cref="CheckpointView"/> shows it): the network and θ0, the data, Θ̂0
/// and its spectrum, the optimizer at its resolved rate, and the quantities at θ0 that only some metrics need (K̂0, dΘ̂/dτ(0)),
/// computed once, when first asked for, at θ0 whatever the network's parameters are by then.
/// </summary>
internal sealed class RunView : IDisposable
{
    private readonly Lazy<double[,]> _initialNngp;
    private readonly Lazy<double[,]> _initialNtkVelocity;
    private readonly Lazy<ForwardTrace> _initialUnits;
    private readonly Lazy<double> _initialParameterNorm;

    public RunView(SweepContext context, Network network, IReadOnlyList<Tensor> initialParameters, TrainingData data, Tensor kernelX,
        EmpiricalNtk ntk, NtkResult initialNtk, OptimizerSpec optimizer)
    {
        (Context, Network, InitialParameters, Data, KernelX, EmpiricalNtk, InitialNtk, Optimizer) =
            (context, network, initialParameters, data, kernelX, ntk, initialNtk, optimizer);
        InitialSpectrum = new GradientDescentMse(initialNtk.Averaged).Eigenvalues.ToArray();
        _initialNngp = new(() => EmpiricalNngp.Compute(network, kernelX, null, initialParameters));
        _initialNtkVelocity = new(() =>
        {
            using var scope = NewDisposeScope();
            var direction = KernelVelocity.FlowDirection(network, initialParameters, context.Spec.Setup.Loss, data.X, data.Y, data.Labels);
            var rate = KernelVelocity.Along(network, initialParameters, kernelX, direction);
            return KernelTensors.ToMatrix(KernelTensors.OutputAverage(rate, context.Train.OutputCount));
        });
        _initialParameterNorm = new(() => ParameterNorms.Norm(initialParameters));
        _initialUnits = new(() =>
        {
            var trace = UnitTrace(initialParameters);
            foreach (var unit in trace.Units)
            {
                unit.Input.DetachFromDisposeScope();
                unit.Output.DetachFromDisposeScope();
            }
            return trace;
        });
    }

    /// <summary>Every parameter unit's input and output on the kernel examples at <paramref name="parameters"/>, without autograd.</summary>
    public ForwardTrace UnitTrace(IReadOnlyList<Tensor> parameters)
    {
        var trace = new ForwardTrace();
        using var noGrad = no_grad();
        Network.Forward(KernelX, parameters, trace);
        return trace;
    }

    /// <summary><see cref="UnitTrace"/> at θ0, kept for the run.</summary>
    public ForwardTrace InitialUnits => _initialUnits.Value;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_initialUnits.IsValueCreated) return;
        foreach (var unit in _initialUnits.Value.Units)
        {
            unit.Input.Dispose();
            unit.Output.Dispose();
        }
    }

    public SweepContext Context { get; }

    public Network Network { get; }

    public IReadOnlyList<Tensor> InitialParameters { get; }

    /// <summary>‖θ0‖ over all parameters, computed once.</summary>
    public double InitialParameterNorm => _initialParameterNorm.Value;

    public TrainingData Data { get; }

    public Tensor KernelX { get; }

    public EmpiricalNtk EmpiricalNtk { get; }

    public NtkResult InitialNtk { get; }

    /// <summary>Eigenvalues of Θ̂0 (output-averaged, kernel examples), largest first.</summary>
    public double[] InitialSpectrum { get; }

    public OptimizerSpec Optimizer { get; }

    public double[,] InitialNngp => _initialNngp.Value;

    public double[,] InitialNtkVelocity => _initialNtkVelocity.Value;
}
