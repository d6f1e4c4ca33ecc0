using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// The part of a config that a run (<see cref="RunConfig"/>) and a width sweep (<see cref="SweepSpec"/>) share, read
/// in one place: <c>arch</c> (a path relative to the config, or an inline object), <c>data</c>, <c>loss</c>,
/// <c>optimizer</c>, <c>steps</c>, <c>checkpoints</c> (default log-spaced), <c>center</c> (default false: train and evaluate
/// f(x; θ) − f(x; θ0), <see cref="CenteredModel"/>), <c>linearization</c> (auto | function_space | parameter_space: where the
/// linearization is trained, <see cref="LinearizationSpace"/>), <c>dtype</c> and <c>device</c>.
/// </summary>
/// <param name="Arch">The network (for a sweep, the template whose hidden widths are varied).</param>
/// <param name="ArchFile">The arch.json the <c>arch</c> field names (absolute), or null when it is inline.</param>
/// <param name="Data">The train and test sets.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Optimizer">GD or SGD with its learning rate (or fraction of η_crit).</param>
/// <param name="Steps">Number of optimizer steps.</param>
/// <param name="Checkpoints">Steps at which metrics are recorded, distinct and ascending.</param>
/// <param name="Settings">dtype and device.</param>
public sealed record TrainingSetup(
    ArchitectureSpec Arch,
    string? ArchFile,
    DataSpec Data,
    Loss Loss,
    OptimizerSpec Optimizer,
    int Steps,
    IReadOnlyList<int> Checkpoints,
    TensorSettings Settings)
{
    /// <summary>Whether the models are centered at initialization, f(x; θ) − f(x; θ0) (<c>center</c>).</summary>
    public bool Center { get; init; }

    /// <summary>Where the linearization is trained (<c>linearization</c>; default auto).</summary>
    public LinearizationSpace LinearizationSpace { get; init; }

    /// <summary>
    /// <paramref name="model"/> − f(·; θ0) when the setup centers its models (<c>center</c>, <see cref="CenteredModel"/>), else null;
    /// f(x; θ0) is computed once on the training and test sets of <paramref name="data"/>.
    /// </summary>
    public CenteredModel? Centered(ITrainableModel model, Network network, IReadOnlyList<TorchSharp.torch.Tensor> theta0, TrainingData data) =>
        Center ? new CenteredModel(model, network, theta0, data.X, data.TestX) : null;

    /// <summary>
    /// Reads and validates the shared fields of <paramref name="s"/>; <c>steps</c> must be at least
    /// <paramref name="minSteps"/>, and absent <c>checkpoints</c> are <paramref name="checkpointsPerDecade"/> log-spaced
    /// steps per decade (<see cref="CheckpointSchedule.LogSpaced"/>).
    /// </summary>
    public static TrainingSetup Read(JsonSection s, int minSteps, int checkpointsPerDecade)
    {
        ArgumentNullException.ThrowIfNull(s);
        var arch = ArchitectureReader.ReadField(s, out string? archFile);
        var data = DataSpec.Read(s.RequiredSection("data"));
        var loss = Loss.FromName(s.String("loss", "mse", "mse", "cross_entropy"));
        if (loss.NeedsLabels && !data.HasClassLabels)
            throw s.Error("loss", $"cross_entropy needs class labels but data source {data.Source} is a regression set");
        var optimizer = ReadOptimizer(s.RequiredSection("optimizer"));
        int steps = s.Int("steps", min: minSteps, max: 100_000_000);
        var checkpoints = s.IntArray("checkpoints", min: 0) ?? CheckpointSchedule.LogSpaced(steps, checkpointsPerDecade);
        int beyond = checkpoints.FirstOrDefault(c => c > steps, -1);
        if (beyond >= 0) throw s.Error("checkpoints", $"step {beyond} is beyond steps ({steps})");
        var settings = TensorSettings.Read(s);
        var space = s.String("linearization", "auto", "auto", "function_space", "parameter_space") switch
        {
            "function_space" => LinearizationSpace.FunctionSpace,
            "parameter_space" => LinearizationSpace.ParameterSpace,
            _ => LinearizationSpace.Auto,
        };
        if (space == LinearizationSpace.FunctionSpace && !optimizer.IsLinearInGradient)
            throw s.Error("linearization", $"function space is exact only for optimizers linear in the gradient (gd, sgd), not {optimizer.Kind}");
        arch = arch.ForOptimizer(optimizer.Adam is not null);
        if (space == LinearizationSpace.FunctionSpace && arch.ScalesLearningRates && optimizer.WeightDecay > 0)
            throw s.Error("linearization", $"function space with weight decay needs one learning rate for every tensor, but parameterization {arch.Abc!.Name} scales them per layer (use parameter_space or auto)");
        if (space == LinearizationSpace.FunctionSpace && DecaysPerLayer(arch, optimizer))
            throw s.Error("linearization", EffectiveDecayInFunctionSpace);
        return new TrainingSetup(arch, archFile, data, loss, optimizer, steps, checkpoints.Distinct().Order().ToArray(), settings)
        {
            Center = s.Bool("center", false),
            LinearizationSpace = space,
        };
    }

    /// <summary>The reason <c>"linearization": "function_space"</c> is refused with decay on the effective parameters that differs per layer.</summary>
    internal const string EffectiveDecayInFunctionSpace =
        "function space needs one weight decay for every tensor, but \"weight_decay_form\": \"effective\" decays each layer by its multiplier squared (use parameter_space or auto)";

    /// <summary>Whether <paramref name="optimizer"/> decays the tensors of <paramref name="arch"/> at different rates (effective decay with multipliers other than 1).</summary>
    internal static bool DecaysPerLayer(ArchitectureSpec arch, OptimizerSpec optimizer) =>
        optimizer is { WeightDecay: > 0, DecayForm: WeightDecayForm.Effective } && arch.HasEffectiveDecayScales;

    /// <summary>
    /// The <c>optimizer</c> section: {"type": "gd" | "sgd" | "adam", "learning_rate": η or (gd, sgd) "learning_rate_fraction":
    /// η/η_crit, "momentum", "nesterov" (sgd), "batch_size" (sgd, adam), "beta1", "beta2", "epsilon" (adam),
    /// "weight_decay": λ (default 0), "weight_decay_center": "zero" | "init", "weight_decay_form": "parameter" | "effective"}.
    /// </summary>
    public static OptimizerSpec ReadOptimizer(JsonSection o)
    {
        ArgumentNullException.ThrowIfNull(o);
        string type = o.String("type", "gd", "gd", "sgd", "adam");
        double? fraction = o.OptionalDouble("learning_rate_fraction", min: 0, minExclusive: true);
        double? lr = o.OptionalDouble("learning_rate", min: 0, minExclusive: true);
        if (type == "adam" && fraction is not null)
            throw o.Error("learning_rate_fraction", "is a fraction of gradient descent's η_crit = 2N/λ_max; Adam needs an absolute learning_rate");
        if (lr is null == fraction is null)
            throw o.Error("learning_rate", "give exactly one of learning_rate and learning_rate_fraction (of η_crit = 2N/λ_max)");
        OptimizerSpec spec;
        if (type == "gd")
        {
            spec = new OptimizerSpec(lr ?? 0, CriticalFraction: fraction);
        }
        else if (type == "adam")
        {
            var moments = new AdamMoments(o.Double("beta1", 0.9, min: 0, max: 1), o.Double("beta2", 0.999, min: 0, max: 1),
                o.Double("epsilon", 1e-8, min: 0, minExclusive: true));
            if (moments.Beta1 >= 1) throw o.Error("beta1", "must be below 1");
            if (moments.Beta2 >= 1) throw o.Error("beta2", "must be below 1");
            spec = new OptimizerSpec(lr!.Value, BatchSize: o.OptionalInt("batch_size", min: 1)) { Adam = moments };
        }
        else
        {
            double momentum = o.Double("momentum", 0.0, min: 0, max: 1);
            if (momentum >= 1) throw o.Error("momentum", "must be below 1");
            spec = new OptimizerSpec(lr ?? 0, momentum, o.Bool("nesterov", false), o.Int("batch_size", min: 1), fraction);
            if (spec.Nesterov && momentum == 0) throw o.Error("nesterov", "needs a momentum above 0");
        }
        double decay = o.Double("weight_decay", 0.0, min: 0);
        string center = o.String("weight_decay_center", "zero", "zero", "init");
        if (decay == 0 && o.Element("weight_decay_center") is not null)
            throw o.Error("weight_decay_center", "needs a weight_decay above 0");
        string form = o.String("weight_decay_form", "parameter", "parameter", "effective");
        if (decay == 0 && o.Element("weight_decay_form") is not null)
            throw o.Error("weight_decay_form", "needs a weight_decay above 0");
        o.RejectUnknownFields();
        return spec with
        {
            WeightDecay = decay,
            DecayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero,
            DecayForm = form == "effective" ? WeightDecayForm.Effective : WeightDecayForm.Parameter,
        };
    }
}
