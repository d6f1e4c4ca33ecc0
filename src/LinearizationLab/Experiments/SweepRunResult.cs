namespace LinearizationLab.Experiments;

/// <summary>
/// Everything one (width, seed) run of a sweep recorded, stored as runs/w{width}-s{seed}.json.
/// <see cref="Checkpoints"/> holds the metrics at each checkpoint (<see cref="SweepCheckpoint"/>, a row of named values, as
/// in the file). Arrays for the figures: the spectrum of Θ̂0, the outputs of
/// the tracked test points over training, a corner of Θ̂0 and Θ̂_T, and the final test outputs.
/// </summary>
public sealed record SweepRunResult
{
    /// <summary>Position in the sweep's fixed order.</summary>
    public int Index { get; init; }

    /// <summary><see cref="SweepSpec.ConfigHash"/> of the sweep that made this run.</summary>
    public string ConfigHash { get; init; } = "";

    /// <summary>Hidden width n.</summary>
    public int Width { get; init; }

    /// <summary>Seed of θ0 and of the minibatch order.</summary>
    public long Seed { get; init; }

    /// <summary>The grid point's values by axis (<see cref="SweepGrid"/>); null for a plain width sweep (and left out of the file).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Point { get; init; }

    /// <summary>The grid point of this run (the origin for a plain width sweep).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GridPoint GridPoint => Point is null ? GridPoint.Origin
        : new GridPoint(SweepGrid.AxisNames.Where(Point.ContainsKey).Select(a => (a, Point[a])).ToArray());

    /// <summary>Number of parameters P.</summary>
    public long ParameterCount { get; init; }

    /// <summary>η used by both models.</summary>
    public double LearningRate { get; init; }

    /// <summary>η_crit = 2N/λ_max(Θ̂0) of this network on the training set.</summary>
    public double CriticalLearningRate { get; init; }

    /// <summary>‖Θ̂0 − Θ‖_F/‖Θ‖_F on the kernel examples (output-averaged empirical NTK vs analytic).</summary>
    public double? NtkInitDistance { get; init; }

    /// <summary>‖K̂0 − K‖_F/‖K‖_F for the NNGP kernel.</summary>
    public double? NngpInitDistance { get; init; }

    /// <summary>Whether the network diverged (its loss became non-finite or grew a millionfold); such runs are left out of the fits.</summary>
    public bool Diverged { get; init; }

    /// <summary>
    /// Whether the linearization diverged (η above its η_crit); the network's metrics continue and the linearization's
    /// (and the gaps to it) are NaN from there. Left out of the file when false.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool LinearizedDiverged { get; init; }

    /// <summary>Why, when it diverged.</summary>
    public string? DivergenceReason { get; init; }

    /// <summary>Wall time of the run.</summary>
    public double WallSeconds { get; init; }

    /// <summary>
    /// Wall time per phase of the run (<see cref="PhaseTimes"/>): initial_ntk, function_space_kernel, critical_learning_rate,
    /// hierarchy_* (its Jacobian, Hessian products, third derivatives, contractions and gradient descent), {linearization,taylor{k},network}_steps and _checkpoints (the predictions kept there), metric_* (each metric);
    /// absent in runs written before it was recorded.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? PhaseSeconds { get; init; }

    /// <summary>The metrics at each checkpoint, by step ascending.</summary>
    public IReadOnlyList<SweepCheckpoint> Checkpoints { get; init; } = [];

    /// <summary>Eigenvalues of Θ̂0 (output-averaged, kernel examples), descending.</summary>
    public double[] Spectrum { get; init; } = [];

    /// <summary>Test indices whose first output is tracked over training.</summary>
    public int[] TrackedIndices { get; init; } = [];

    /// <summary>Tracked outputs per checkpoint: network, linearization, and NTK-GP mean (MSE only), [checkpoint][point].</summary>
    public double[][] TrackedNetwork { get; init; } = [];

    /// <summary>See <see cref="TrackedNetwork"/>.</summary>
    public double[][] TrackedLinearized { get; init; } = [];

    /// <summary>See <see cref="TrackedNetwork"/>.</summary>
    public double[][] TrackedNtkGp { get; init; } = [];

    /// <summary>Top-left corner (up to 24×24) of Θ̂0, output-averaged.</summary>
    public double[][] KernelInitial { get; init; } = [];

    /// <summary>The same corner of Θ̂_T at the last checkpoint.</summary>
    public double[][] KernelFinal { get; init; } = [];

    /// <summary>First output of the network at the last checkpoint on every test point (for ensemble bands).</summary>
    public double[] FinalTestNetwork { get; init; } = [];

    /// <summary>First output of the linearization at the last checkpoint on every test point.</summary>
    public double[] FinalTestLinearized { get; init; } = [];

    /// <summary>
    /// The network's outputs on the test set at each checkpoint, [checkpoints, M·O], kept for the ensemble (not in the run's
    /// JSON: <see cref="SweepEnsemble"/> writes them beside it); null unless the sweep has an ensemble.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[,]? TestOutputs { get; init; }

    /// <summary>The NTK-GP mean on the test set at each checkpoint's time, [checkpoints, M·O], where the run has one; as <see cref="TestOutputs"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[,]? NtkGpTestOutputs { get; init; }
}
