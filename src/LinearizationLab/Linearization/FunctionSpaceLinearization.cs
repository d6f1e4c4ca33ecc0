using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The linearization f_lin(x; θ) = f(x; θ0) + J0(x)·Δθ trained in function space. Under an optimizer whose update is linear
/// in the gradient (gradient descent, minibatch SGD, heavy-ball and Nesterov momentum) every displacement reached from
/// Δθ = 0 lies in the span of the training set's Jacobian rows: a batch B's gradient is J0(X_B)ᵀ·∂L/∂f(X_B), so
/// <code>
///   Δθ_t = J0(X)ᵀ·c_t,   f_lin(x; θ_t) = f(x; θ0) + Θ̂0(x, X)·c_t,   ‖Δθ_t‖² = c_tᵀ·Θ̂0(X, X)·c_t,
/// </code>
/// with coefficients c ∈ R^{N×O} that the same optimizer trains: ∂L/∂f(X_B) added into rows B is the gradient of c, and
/// the velocity of momentum is J0ᵀ of a coefficient too (the discrete form of Lee et al. 2019, eqs. 8–9). Weight decay
/// toward θ0 adds λ·Δθ = J0ᵀ(λ·c): c decays toward 0. Weight decay toward 0 adds λ·(θ0 + Δθ), which leaves the span along
/// θ0 itself, so that model carries one more coefficient a: Δθ = J0ᵀc + a·θ0, f_lin = f0 + Θ̂0·c + a·J0(x)θ0, and a decays
/// toward −1 (where θ = 0 along θ0) with no gradient from the loss. The parameters are c, and a when needed
/// (<see cref="Parameters"/>). A step costs Θ̂0(X_B, X)·c, |B|·O × N·O multiply-adds, instead of a tangent pass and a
/// reverse pass through every weight; Θ̂0 on the training set (N·O × N·O) is computed once, by the structured method.
/// Outputs on the sets it was built with come from the kernel (<see cref="IKnownInputsModel"/>); on any other input,
/// Δθ = J0(X)ᵀ·c is formed by one reverse pass at θ0 and <see cref="LinearizedNetwork"/> evaluates f_lin. The parameter-space
/// path (<see cref="LinearizedNetwork"/> trained directly) is the test oracle: both give the same iterates to round-off.
/// With per-layer learning rates η_p = η·r_p (an abc-parameterization) the same holds with Θ̂0 = J0·diag(r)·J0ᵀ, the kernel
/// <see cref="Empirical.EmpiricalNtk"/> returns for such a network, and Δθ = diag(r)·J0ᵀc; weight decay is then left to
/// parameter space.
/// </summary>
public sealed class FunctionSpaceLinearization : IBackpropModel, IKnownInputsModel, IDisplacementModel, IDisposable
{
    private readonly LinearizedNetwork _linearization;
    private readonly Tensor _x;
    private readonly KnownSet[] _sets;
    private readonly Tensor _coefficients;
    private readonly Tensor? _alongOrigin, _atZero;
    private readonly double _originNormSquared;
    private readonly int _count, _outputs;
    private readonly LayerBuffers _output = new(), _gradient = new();
    private BackpropWorkspace? _point;
    private Tensor? _rows;
    private long _version, _materialized = -1;

    /// <summary>
    /// f(X_s; θ0) [N_s, O], Θ̂0(X_s, X) [N_s·O, N·O] and, with the coefficient a, J0(X_s)·θ0 [N_s, O] of one input set X_s
    /// (the training set first).
    /// </summary>
    private sealed record KnownSet(Tensor X, Tensor F0, Tensor Kernel, Tensor? AlongOrigin);

    private FunctionSpaceLinearization(LinearizedNetwork linearization, Tensor x, KnownSet[] sets, bool alongOrigin)
    {
        _linearization = linearization;
        _x = x;
        _sets = sets;
        _count = (int)x.shape[0];
        _outputs = linearization.Network.Spec.OutputCount;
        _coefficients = zeros_like(sets[0].F0).DetachFromDisposeScope();
        if (!alongOrigin) return;
        using var noGrad = no_grad();
        _alongOrigin = zeros(1, dtype: x.dtype, device: x.device).DetachFromDisposeScope();
        _atZero = tensor(new[] { -1.0 }, dtype: x.dtype, device: x.device).DetachFromDisposeScope();
        _originNormSquared = Math.Pow(ParameterNorms.Norm(linearization.InitialParameters), 2);
    }

    /// <summary>
    /// The linearization <paramref name="linearization"/> (at its θ0, Δθ = 0) in function space on training inputs
    /// <paramref name="x"/>, also knowing its outputs on <paramref name="evaluationX"/> (e.g. the test set) when given.
    /// <paramref name="trainKernel"/> is Θ̂0(X, X) [N·O, N·O] when the caller already has it; otherwise it is computed.
    /// <paramref name="alongOrigin"/> adds the coefficient a of Δθ along θ0, needed for weight decay toward 0.
    /// The caller keeps <paramref name="linearization"/> (and disposes it); this model writes its displacement when asked for θ.
    /// </summary>
    public static FunctionSpaceLinearization Create(LinearizedNetwork linearization, Tensor x, Tensor? evaluationX = null,
        Tensor? trainKernel = null, bool alongOrigin = false)
    {
        ArgumentNullException.ThrowIfNull(linearization);
        var network = linearization.Network;
        if (alongOrigin && network.LearningRateScales is not null)
            throw new ArgumentException("weight decay toward 0 with per-layer learning rates leaves the span of diag(r)·J0ᵀ; train in parameter space");
        int n = (int)x.shape[0], o = network.Spec.OutputCount;
        if (trainKernel is not null && (trainKernel.shape[0] != n * o || trainKernel.shape[1] != n * o))
            throw new ArgumentException($"the training kernel is [{trainKernel.shape[0]}, {trainKernel.shape[1]}], expected [{n * o}, {n * o}]");
        var ntk = new EmpiricalNtk(network, linearization.InitialParameters);
        var sets = new List<KnownSet>();
        foreach (var (input, given) in new[] { (x, trainKernel), (evaluationX, null) })
        {
            if (input is null) continue;
            using var scope = NewDisposeScope();
            Tensor f0, kernel;
            Tensor? along = null;
            using (no_grad())
            {
                if (alongOrigin) (f0, along) = linearization.Jvp(input, linearization.InitialParameters);
                else f0 = network.Forward(input, linearization.InitialParameters);
            }
            kernel = given?.to(f0.dtype, f0.device) ?? ntk.ComputeTensors(input, ReferenceEquals(input, x) ? null : x, NtkMethod.Structured, perLayer: false).Total;
            sets.Add(new KnownSet(input, f0.detach().DetachFromDisposeScope(), kernel.contiguous().DetachFromDisposeScope(),
                along?.detach().DetachFromDisposeScope()));
        }
        return new FunctionSpaceLinearization(linearization, x, sets.ToArray(), alongOrigin);
    }

    /// <summary>
    /// The most memory the kernels of a function-space linearization may take when a sweep chooses it by itself: 2 GiB. A
    /// fixed figure rather than the machine's free memory, so that a config takes the same path, with the same rounding,
    /// on every machine.
    /// </summary>
    public const long MemoryBudgetBytes = 2L << 30;

    /// <summary>
    /// The linearization in function space for training on <paramref name="data"/>, or null to train <paramref name="linearized"/>
    /// in parameter space, as <see cref="TestRowsKept"/> decides. <paramref name="trainKernel"/> is
    /// Θ̂0(X, X) when the caller has it (it is used when its shape fits). Weight decay toward 0 adds the coefficient along θ0.
    /// </summary>
    public static FunctionSpaceLinearization? ForTraining(LinearizedNetwork linearized, Training.TrainingData data,
        Training.OptimizerSpec optimizer, LinearizationSpace space, double[,]? trainKernel = null)
    {
        ArgumentNullException.ThrowIfNull(linearized);
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Count, outputs = linearized.Network.Spec.OutputCount;
        // Δθ = diag(r)·J0ᵀc holds when every tensor decays at one λ and, under weight decay, moves at one η (TreatsTensorsAlike).
        if (!TreatsTensorsAlike(linearized.Network.Spec, optimizer)) return null;
        if (TestRowsKept(space, optimizer, n, data.TestX?.shape[0] ?? 0, outputs, data.X.dtype) is not long kept) return null;
        bool keepTest = kept > 0;
        using var scope = NewDisposeScope();
        var kernel = trainKernel?.GetLength(0) == n * outputs ? tensor(trainKernel, data.X.dtype, data.X.device) : null;
        bool alongOrigin = optimizer is { WeightDecay: > 0, DecayCenter: Training.WeightDecayCenter.Zero };
        return Create(linearized, data.X, keepTest ? data.TestX : null, kernel, alongOrigin);
    }

    /// <summary>
    /// Whether the coefficients c can follow <paramref name="optimizer"/> on <paramref name="arch"/>, Δθ = diag(r)·J0ᵀc: no per-layer
    /// decay (<see cref="Training.WeightDecayForm.Effective"/> with factors other than 1), and, under weight decay, no per-layer
    /// learning rates (<see cref="Architecture.ArchitectureSpec.HasLayerLearningRates"/>). λ·D·Δθ with a non-uniform diagonal D
    /// leaves the span of the Jacobian's rows.
    /// </summary>
    public static bool TreatsTensorsAlike(Architecture.ArchitectureSpec arch, Training.OptimizerSpec optimizer)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(optimizer);
        return !(arch.HasLayerLearningRates && optimizer.WeightDecay > 0)
            && !(optimizer.WeightDecay != 0 && optimizer.DecayForm == Training.WeightDecayForm.Effective && arch.HasEffectiveDecayScales);
    }

    /// <summary>
    /// Whether a run trains its linearization in function space, and how many test inputs' kernel Θ̂0(X_test, X) it keeps
    /// beside the training kernel: null for parameter space (asked for, an optimizer not linear in the gradient such as Adam,
    /// or, on auto, a training kernel beyond <see cref="MemoryBudgetBytes"/>); otherwise <paramref name="testCount"/> when both
    /// kernels fit the budget, else 0 (test outputs then go through Δθ = J0ᵀc).
    /// </summary>
    public static long? TestRowsKept(LinearizationSpace space, Training.OptimizerSpec optimizer, long count, long testCount, int outputs, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (space == LinearizationSpace.ParameterSpace || !optimizer.IsLinearInGradient) return null;
        if (space == LinearizationSpace.Auto && KernelBytes(count, 0, outputs, dtype) > MemoryBudgetBytes) return null;
        return KernelBytes(count, testCount, outputs, dtype) <= MemoryBudgetBytes ? testCount : 0;
    }

    /// <summary>Bytes of the kernels this model holds for N training and N_s further inputs with O outputs: (N + N_s)·N·O² entries.</summary>
    public static long KernelBytes(long count, long evaluationCount, int outputs, ScalarType dtype) =>
        (count + evaluationCount) * count * outputs * (long)outputs * (dtype == ScalarType.Float64 ? 8 : 4);

    /// <summary>The linearized network whose training this model carries out.</summary>
    public LinearizedNetwork Linearization => _linearization;

    /// <summary>The coefficients c [N, O], and a [1] when the model has it.</summary>
    public IReadOnlyList<Tensor> Parameters => _alongOrigin is null ? [_coefficients] : [_coefficients, _alongOrigin];

    /// <summary>c = 0 and a = −1: θ = θ0 + J0ᵀ·0 − θ0 = 0 along every direction the model can reach.</summary>
    public IReadOnlyList<Tensor?>? ParametersAtZero => _atZero is null ? null : [null, _atZero];

    /// <summary>Θ̂0(X, X) on the training set, [N·O, N·O] in the network's dtype.</summary>
    public Tensor TrainKernel => _sets[0].Kernel;

    /// <inheritdoc/>
    public bool TrainsByHand => true;

    /// <summary>f_lin(x; θ0 + J0ᵀc) [N, O]: from the kernel on a known set, otherwise through Δθ = J0(X)ᵀc.</summary>
    public Tensor Forward(Tensor x)
    {
        if (OutputsOn(x) is { } known) return known;
        using var noGrad = no_grad();
        return _linearization.Forward(x, CurrentParameters());
    }

    /// <inheritdoc/>
    public Tensor? OutputsOn(Tensor x)
    {
        foreach (var set in _sets)
            if (ReferenceEquals(set.X, x))
            {
                using var noGrad = no_grad();
                return AddDisplacement(set.F0.clone(), set.Kernel, set.AlongOrigin);
            }
        return null;
    }

    /// <summary>
    /// f_lin on this step's training examples: f0(X_B) + Θ̂0(X_B, X)·c, the kernel's rows of the batch. <paramref name="rows"/>
    /// null means the whole training set, which <paramref name="x"/> must then be (the tensor the model was built with).
    /// </summary>
    public Tensor ForwardForBackprop(Tensor x, bool sameBatch, long[]? rows = null)
    {
        var train = _sets[0];
        _rows?.Dispose();
        _rows = null;
        if (rows is null)
        {
            if (!ReferenceEquals(x, _x))
                throw new InvalidOperationException("a full batch must be the training set the function-space linearization was built on");
            var f = _output.Output(train.F0.shape, train.F0).copy_(train.F0);
            return AddDisplacement(f, train.Kernel, train.AlongOrigin);
        }
        if (x.shape[0] != rows.Length)
            throw new ArgumentException($"the batch has {x.shape[0]} examples but {rows.Length} rows");
        _rows = tensor(rows, ScalarType.Int64, _x.device).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        var kernelRows = train.Kernel.view(_count, _outputs, _count * _outputs).index_select(0, _rows).view(rows.Length * _outputs, -1);
        var f0 = train.F0.index_select(0, _rows);
        AddDisplacement(f0, kernelRows, train.AlongOrigin?.index_select(0, _rows));
        return _output.Output([rows.Length, _outputs], train.F0).copy_(f0);
    }

    /// <summary>
    /// f ← f + J0(x)·Δθ = f + Θ̂0(x, X)·c (+ a·J0(x)θ0) for the rows of x that <paramref name="kernel"/> [rows·O, N·O] and
    /// <paramref name="alongOrigin"/> [rows, O] hold; returns <paramref name="f"/> [rows, O].
    /// </summary>
    private Tensor AddDisplacement(Tensor f, Tensor kernel, Tensor? alongOrigin)
    {
        f.view(-1).addmv_(kernel, _coefficients.view(-1));
        if (_alongOrigin is not null) f.AddProduct_(alongOrigin!, _alongOrigin, 1);
        return f;
    }

    /// <summary>
    /// The gradient of c: δ = ∂L/∂f(X_B) in the batch's rows, zero elsewhere (J0(X_B)ᵀδ = J0(X)ᵀ of that), handed to
    /// <paramref name="sink"/> as parameter 0.
    /// </summary>
    public void Backprop(Tensor outputGradient, IGradientSink sink)
    {
        _version++;
        if (_rows is null)
        {
            sink.Add(0, outputGradient, 1);
            return;
        }
        var gradient = _gradient.Output(_coefficients.shape, _coefficients).zero_();
        gradient.IndexAdd_(0, _rows, outputGradient);
        sink.Add(0, gradient, 1);
    }

    /// <summary>
    /// ‖θ − θ0‖ = √(cᵀ·Θ̂0(X, X)·c + 2a·cᵀ·J0(X)θ0 + a²·‖θ0‖²), without forming Δθ; with per-layer learning rates r the kernel
    /// is J0·diag(r)·J0ᵀ and ‖Δθ‖² = cᵀ·J0·diag(r)²·J0ᵀ·c is another one, so Δθ is formed and measured.
    /// </summary>
    public double DisplacementNorm()
    {
        if (_linearization.LearningRateScales is not null)
        {
            Materialize();
            return _linearization.DisplacementNorm();
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var c = _coefficients.view(-1);
        double square = c.dot(_sets[0].Kernel.mv(c)).ToNumber();
        if (_alongOrigin is not null)
        {
            double a = _alongOrigin.ToNumber();
            square += 2 * a * c.dot(_sets[0].AlongOrigin!.view(-1)).ToNumber() + a * a * _originNormSquared;
        }
        return Math.Sqrt(Math.Max(0, square));
    }

    /// <summary>
    /// θ = θ0 + J0(X)ᵀc (+ a·θ0) as the linearized network's displacement (<see cref="LinearizedNetwork.Parameters"/>), formed by one reverse
    /// pass at θ0 with output cotangent c (by hand where the network has the passes, by autograd otherwise); detached copies.
    /// </summary>
    public Tensor[] CurrentParameters()
    {
        Materialize();
        return _linearization.CurrentParameters();
    }

    /// <summary>Sets c and a (and so θ − θ0) back to 0.</summary>
    public void Reset()
    {
        using var noGrad = no_grad();
        _coefficients.zero_();
        _alongOrigin?.zero_();
        _version++;
    }

    private void Materialize()
    {
        if (_materialized == _version) return;
        using var scope = NewDisposeScope();
        var network = _linearization.Network;
        var theta0 = _linearization.InitialParameters;
        var delta = _linearization.Parameters;
        if (network.SupportsBackprop)
        {
            using var noGrad = no_grad();
            _point ??= new BackpropWorkspace(network.Layers.Count);
            network.ForwardInto(_x, theta0, _point);
            var sink = new GradientAccumulator(delta, zero: true);
            network.Backprop(_coefficients.clone(), theta0, _point, sink);
        }
        else
        {
            Tensor[] gradients;
            using (enable_grad())
            {
                var theta = theta0.Select(t => t.detach().requires_grad_(true)).ToArray();
                gradients = autograd.grad([network.Forward(_x, theta)], theta, [_coefficients]).ToArray();
            }
            using var noGrad = no_grad();
            for (int i = 0; i < delta.Count; i++) delta[i].copy_(gradients[i]);
        }
        if (_linearization.LearningRateScales is { } rates)
            using (no_grad())
                for (int i = 0; i < delta.Count; i++) delta[i].Scale_(rates[i]);
        if (_alongOrigin is not null)
            using (no_grad())
            {
                double a = _alongOrigin.ToNumber();
                for (int i = 0; i < delta.Count; i++) delta[i].AddScaled_(theta0[i], a);
            }
        _materialized = _version;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var set in _sets)
        {
            set.F0.Dispose();
            set.Kernel.Dispose();
            set.AlongOrigin?.Dispose();
        }
        _coefficients.Dispose();
        _alongOrigin?.Dispose();
        _atZero?.Dispose();
        _rows?.Dispose();
        _output.Dispose();
        _gradient.Dispose();
        _point?.Dispose();
    }
}
