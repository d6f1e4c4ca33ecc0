namespace LinearizationLab.Training;

/// <summary>
/// Gradient descent with optional heavy-ball or Nesterov momentum μ, learning rate η and L2 weight decay λ
/// (PyTorch's convention: g ← ∇L + λ·(θ − θ_c); v ← μ·v + g; θ ← θ − η·v, or θ ← θ − η·(g + μ·v) for Nesterov),
/// where the decay's center θ_c is 0 or the initial parameters θ0 (<see cref="DecayCenter"/>); or Adam (<see cref="Adam"/>)
/// with decoupled weight decay θ ← θ − η·λ·(θ − θ_c) (AdamW, Loshchilov &amp; Hutter 2019).
/// <paramref name="BatchSize"/> null means full-batch gradient descent. When
/// <paramref name="CriticalFraction"/> is set, η is that fraction of the run's own
/// η_crit = 2N/λ_max(Θ̂0) and is filled in by <see cref="WithCriticalLearningRate"/>.
/// </summary>
public sealed record OptimizerSpec(double LearningRate, double Momentum = 0, bool Nesterov = false, int? BatchSize = null,
    double? CriticalFraction = null)
{
    /// <summary>λ of the L2 term ½λ‖θ − θ_c‖² added to the loss's gradient (not to the reported loss); 0 by default.</summary>
    public double WeightDecay { get; init; }

    /// <summary>θ_c, the point weight decay pulls toward: the origin (default) or the initialization θ0.</summary>
    public WeightDecayCenter DecayCenter { get; init; }

    /// <summary>
    /// Whether the decay penalizes the parameters as drawn (default) or the effective parameters m_p·θ_p of the forward pass,
    /// λ_p = λ·m_p² per tensor (<see cref="WeightDecayForm"/>).
    /// </summary>
    public WeightDecayForm DecayForm { get; init; }

    /// <summary>Adam's moments (then <see cref="Momentum"/> is 0 and weight decay is decoupled), or null for (S)GD.</summary>
    public AdamMoments? Adam { get; init; }

    /// <summary>Whether each step uses the whole training set.</summary>
    public bool IsFullBatch => BatchSize is null;

    /// <summary>"adam", "gd" or "sgd".</summary>
    public string Kind => Adam is not null ? "adam" : IsFullBatch ? "gd" : "sgd";

    /// <summary>
    /// Whether the update is a linear function of the gradients seen so far (GD, SGD, momentum, weight decay): then the
    /// linearization can be trained in function space (<c>Linearization.FunctionSpaceLinearization</c>). Adam's
    /// normalization by √v is not.
    /// </summary>
    public bool IsLinearInGradient => Adam is null;

    /// <summary>Whether η is known (absolute, or a fraction already multiplied by η_crit).</summary>
    public bool IsResolved => LearningRate > 0;

    /// <summary>
    /// Whether a step is θ ← θ − η·∇L on the whole training set and nothing else, the discrete dynamics that the closed
    /// forms (NTK-GP at time t, the kernel's predicted drift, the NTK hierarchy) describe.
    /// </summary>
    public bool IsPlainGradientDescent => IsFullBatch && Momentum == 0 && WeightDecay == 0 && Adam is null;

    /// <summary>Whether full-batch steps follow GD's function-space dynamics on average (the NTK-GP at time t applies): GD or heavy ball, no decay.</summary>
    public bool IsGradientDescentLike => IsFullBatch && WeightDecay == 0 && Adam is null;

    /// <summary>
    /// The update rule for <paramref name="parameters"/>: <see cref="Training.Adam"/> or <see cref="MomentumSgd"/>;
    /// <paramref name="zero"/> is where the network's θ = 0 in these parameters' coordinates (null: at 0); <paramref name="rates"/>
    /// each tensor's learning rate relative to η (null: all 1); <paramref name="decayScales"/> each tensor's factor of λ (null: all 1).
    /// </summary>
    public IOptimizer Create(IReadOnlyList<TorchSharp.torch.Tensor> parameters, IReadOnlyList<TorchSharp.torch.Tensor?>? zero = null,
        IReadOnlyList<double>? rates = null, IReadOnlyList<double>? decayScales = null) =>
        Adam is null ? new MomentumSgd(this, parameters, zero, rates, decayScales) : new Training.Adam(this, parameters, zero, rates, decayScales);

    /// <summary>
    /// The optimizer of <paramref name="model"/>'s parameters: its zero point, its learning-rate factors and, with
    /// <see cref="WeightDecayForm.Effective"/>, its effective decay factors.
    /// </summary>
    public IOptimizer Create(Networks.ITrainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model.Parameters, model.ParametersAtZero, model.LearningRateScales, DecayScalesOf(model));
    }

    /// <summary>Each of <paramref name="model"/>'s tensors' factor of λ: its effective decay factor under <see cref="WeightDecayForm.Effective"/>, else null (all 1).</summary>
    public IReadOnlyList<double>? DecayScalesOf(Networks.ITrainableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return WeightDecay != 0 && DecayForm == WeightDecayForm.Effective ? model.EffectiveDecayScales : null;
    }

    /// <summary>
    /// η_p = η·r_p for each of <paramref name="count"/> tensors, with <paramref name="scales"/> the learning-rate factors r_p of a
    /// parameterization (null: all 1, η_p = η).
    /// </summary>
    public double[] LearningRates(int count, IReadOnlyList<double>? scales)
    {
        if (scales is not null && scales.Count != count)
            throw new ArgumentException($"{scales.Count} learning-rate factors for {count} tensors", nameof(scales));
        return Enumerable.Range(0, count).Select(i => scales is null ? LearningRate : LearningRate * scales[i]).ToArray();
    }

    /// <summary>This optimizer with η = <see cref="CriticalFraction"/> · <paramref name="criticalLearningRate"/> (unchanged when η is absolute).</summary>
    public OptimizerSpec WithCriticalLearningRate(double criticalLearningRate) =>
        CriticalFraction is { } f ? this with { LearningRate = f * criticalLearningRate } : this;
}

/// <summary>
/// Adam's hyperparameters (Kingma &amp; Ba 2015; PyTorch's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8): m ← β₁·m + (1 − β₁)·g,
/// v ← β₂·v + (1 − β₂)·g², θ ← θ − η·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
/// </summary>
public sealed record AdamMoments(double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8);

/// <summary>Where L2 weight decay pulls the parameters (config field <c>weight_decay_center</c>).</summary>
public enum WeightDecayCenter
{
    /// <summary>θ_c = 0: the usual L2 regularization, ½λ‖θ‖².</summary>
    Zero,

    /// <summary>θ_c = θ0: ½λ‖θ − θ0‖², which on the linearization is kernel ridge regression with Θ̂0 in the gradient-flow limit.</summary>
    Init,
}
