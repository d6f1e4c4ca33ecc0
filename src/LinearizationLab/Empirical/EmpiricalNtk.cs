using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Empirical;

/// <summary>
/// The empirical (finite-width) neural tangent kernel Θ̂(x, x') = J(x) J(x')ᵀ of a <see cref="Network"/>
/// at parameters θ (θ0 by default, or any θ_t of the same shapes), by three exact methods that agree to
/// round-off (Novak, Sohl-Dickstein &amp; Schoenholz, "Fast Finite Width Neural Tangent Kernel", ICML 2022):
/// <see cref="NtkMethod.Structured"/>, <see cref="NtkMethod.Jacobian"/> and <see cref="NtkMethod.Ntvp"/>.
/// Examples are treated as independent (no layer couples a batch), which every layer here satisfies. When the network's
/// parameterization gives its tensors learning rates η_p = η·r_p (an abc-parameterization), the kernel is the one that drives
/// training, Θ̂ = J·diag(r)·Jᵀ (Yang &amp; Hu 2021), and each method weights tensor p's contribution by r_p.
/// </summary>
public sealed class EmpiricalNtk
{
    private readonly Network _network;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly IReadOnlyList<ParameterUnit> _units;
    private readonly IReadOnlyList<double>? _rates;

    /// <summary>The NTK of <paramref name="network"/> at <paramref name="parameters"/> (default: the network's own θ).</summary>
    public EmpiricalNtk(Network network, IReadOnlyList<Tensor>? parameters = null)
    {
        _network = network;
        _parameters = parameters ?? network.Parameters;
        if (_parameters.Count != network.Parameters.Count)
            throw new ArgumentException($"expected {network.Parameters.Count} parameter tensors, got {_parameters.Count}");
        _units = network.ParameterUnits;
        _rates = network.LearningRateScales;
    }

    /// <summary>The default of <see cref="JacobianMemoryBytes"/>: 512 MiB.</summary>
    public const long DefaultJacobianMemoryBytes = 512L << 20;

    /// <summary>Memory (bytes) the <see cref="NtkMethod.Jacobian"/> method may hold in Jacobian row blocks; <see cref="DefaultJacobianMemoryBytes"/> by default.</summary>
    public long JacobianMemoryBytes { get; init; } = DefaultJacobianMemoryBytes;

    /// <summary>Number of network outputs O.</summary>
    public int OutputCount => _network.Spec.OutputCount;

    /// <summary>The method named "structured", "jacobian" or "ntvp" (case-insensitive).</summary>
    public static NtkMethod ParseMethod(string name) => name.Trim().ToLowerInvariant() switch
    {
        "structured" => NtkMethod.Structured,
        "jacobian" => NtkMethod.Jacobian,
        "ntvp" => NtkMethod.Ntvp,
        _ => throw new ArgumentException($"unknown NTK method '{name}' (structured, jacobian, ntvp)"),
    };

    /// <summary>
    /// Θ̂(x1, x2) for inputs [N1, ...] and [N2, ...] (x2 null: x2 = x1) with its output average and, when
    /// <paramref name="perLayer"/>, the per-layer contributions. Computed in the network's dtype; returned in float64.
    /// </summary>
    public NtkResult Compute(Tensor x1, Tensor? x2, NtkMethod method, bool perLayer = true)
    {
        using var scope = NewDisposeScope();
        var (total, layers) = ComputeTensors(x1, x2, method, perLayer);
        int o = OutputCount;
        return new NtkResult(method, o, KernelTensors.ToMatrix(total),
            KernelTensors.ToMatrix(KernelTensors.OutputAverage(total, o)),
            layers.Select(KernelTensors.ToMatrix).ToArray());
    }

    /// <summary>
    /// Θ̂(x1, x2) as a tensor [N1·O, N2·O] in the network's dtype and device, and the per-layer terms
    /// (empty unless <paramref name="perLayer"/>); the caller disposes them (they join the caller's dispose scope).
    /// </summary>
    public (Tensor Total, Tensor[] PerLayer) ComputeTensors(Tensor x1, Tensor? x2, NtkMethod method, bool perLayer = true)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var theta = LeafCopies();
        var (total, layers) = method switch
        {
            NtkMethod.Structured => Structured(x1, x2, theta, perLayer),
            NtkMethod.Jacobian => JacobianContraction(x1, x2 ?? x1, theta, perLayer),
            NtkMethod.Ntvp => NtvpKernel(x1, x2 ?? x1, theta, perLayer),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        total = total.detach().MoveToOuterDisposeScope();
        return (total, layers.Select(l => l.detach().MoveToOuterDisposeScope()).ToArray());
    }

    /// <summary>
    /// The NTK-vector product Θ̂(x1, x2)·v = J(x1)(J(x2)ᵀ v) for v [N2, O], without forming J: a VJP
    /// (autograd of ⟨f(x2), v⟩), then a JVP by the double-backward trick (the gradient with respect to a dummy w
    /// of ⟨J(x1)ᵀw, u⟩). Returns [N1, O] in the network's dtype.
    /// </summary>
    public Tensor Apply(Tensor x1, Tensor? x2, Tensor v)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var theta = LeafCopies();
        var f2 = _network.Forward(x2 ?? x1, theta);
        var u = Weighted(autograd.grad([f2], theta, [v.to(f2.dtype, f2.device)]), 1);
        var (_, w, g) = TransposedJacobianGraph(x1, theta);
        var r = autograd.grad(g, [w], u)[0];
        return r.detach().MoveToOuterDisposeScope();
    }

    /// <summary>Per-tensor gradients scaled by r_p^<paramref name="power"/> (unchanged when every r_p = 1).</summary>
    private IList<Tensor> Weighted(IList<Tensor> perTensor, double power)
    {
        if (_rates is null) return perTensor;
        return perTensor.Select((t, p) => _rates[p] == 1 ? t : t.Scaled(Math.Pow(_rates[p], power))).ToArray();
    }

    /// <summary>Detached aliases of θ that are leaves requiring grad, so autograd can differentiate with respect to them.</summary>
    private Tensor[] LeafCopies() => _parameters.Select(p => p.detach().requires_grad_(true)).ToArray();

    // ---------------------------------------------------------------- structured

    private (Tensor, Tensor[]) Structured(Tensor x1, Tensor? x2, Tensor[] theta, bool perLayer)
    {
        var (a1, d1) = InputsAndOutputGradients(x1, theta);
        var (a2, d2) = x2 is null ? (a1, d1) : InputsAndOutputGradients(x2, theta);
        // Without per-layer terms each layer's term is added into the total and freed at once, so the peak is about
        // two N1·O × N2·O kernels (the total and one term) besides the Δs.
        var layers = new List<Tensor>();
        Tensor? total = null;
        for (int l = 0; l < _units.Count; l++)
        {
            using var termScope = NewDisposeScope();
            var term = _units[l].Layer.StructuredNtkTerm(_units[l].Context, a1[l], d1[l], a2[l], d2[l], OutputCount);
            if (total is null) total = (perLayer ? term.clone() : term).MoveToOuterDisposeScope();
            else total.Plus_(term);
            if (perLayer) layers.Add(term.MoveToOuterDisposeScope());
        }
        return (total!, layers.ToArray());
    }

    /// <summary>
    /// Traced unit inputs a_l [N, ...] and Δ_l = ∂f_k/∂z_l at the unit outputs z_l, stacked over outputs, [N, O, ...]: one
    /// backward pass per output k of Σ_i f_ik (examples are independent, so the gradient with respect to z_l of example i is
    /// example i's own).
    /// </summary>
    private (Tensor[] Inputs, Tensor[] Deltas) InputsAndOutputGradients(Tensor x, Tensor[] theta)
    {
        var trace = new ForwardTrace();
        var f = _network.Forward(x, theta, trace);
        var inputs = trace.Units.Select(t => t.Input.detach()).ToArray();
        var z = trace.Units.Select(t => t.Output).ToArray();
        int o = OutputCount;
        var perOutput = new IList<Tensor>[o];
        for (int k = 0; k < o; k++)
            perOutput[k] = autograd.grad([f.select(1, k).sum()], z, retain_graph: k < o - 1);
        var deltas = new Tensor[z.Length];
        for (int l = 0; l < z.Length; l++)
            deltas[l] = stack(perOutput.Select(g => g[l]), 1);
        return (inputs, deltas);
    }

    // ---------------------------------------------------------------- jacobian

    private (Tensor, Tensor[]) JacobianContraction(Tensor x1, Tensor x2, Tensor[] theta, bool perLayer)
    {
        int o = OutputCount;
        long p = theta.Sum(t => t.numel());
        long bytesPerRow = p * theta[0].element_size();
        long n1 = x1.shape[0], n2 = x2.shape[0];
        bool same = ReferenceEquals(x1, x2);
        // Keep J(x2) whole when it fits in half the budget; otherwise recompute it block by block.
        bool keepSecond = same || n2 * o * bytesPerRow <= JacobianMemoryBytes / 2;
        long budget = keepSecond && !same ? JacobianMemoryBytes / 2 : JacobianMemoryBytes;
        long block = Math.Max(1, budget / (2 * o * bytesPerRow));
        Tensor[]? second = keepSecond && !same ? JacobianRows(x2, 0, n2, theta) : null;

        var layers = Enumerable.Range(0, _units.Count)
            .Select(_ => zeros(n1 * o, n2 * o, theta[0].dtype, theta[0].device)).ToArray();
        for (long s1 = 0; s1 < n1; s1 += block)
        {
            using var blockScope = NewDisposeScope();
            var rows1 = JacobianRows(x1, s1, Math.Min(block, n1 - s1), theta);
            if (same)
            {
                // Symmetric: compute the blocks left of the diagonal and mirror them.
                for (long s2 = 0; s2 <= s1; s2 += block)
                {
                    using var innerScope = NewDisposeScope();
                    var rows2 = s2 == s1 ? rows1 : JacobianRows(x1, s2, Math.Min(block, n1 - s2), theta);
                    AddBlock(layers, rows1, rows2, s1, s2, o, mirror: s2 != s1);
                }
            }
            else if (second is not null)
            {
                AddBlock(layers, rows1, second, s1, 0, o, mirror: false);
            }
            else
            {
                for (long s2 = 0; s2 < n2; s2 += block)
                {
                    using var innerScope = NewDisposeScope();
                    AddBlock(layers, rows1, JacobianRows(x2, s2, Math.Min(block, n2 - s2), theta), s1, s2, o, mirror: false);
                }
            }
        }
        var total = layers[0];
        for (int l = 1; l < layers.Length; l++) total = total.Plus(layers[l]);
        return (total, perLayer ? layers : []);
    }

    /// <summary>Writes J_l(rows1) J_l(rows2)ᵀ into each layer's kernel at the given example offsets (and its transpose when mirroring).</summary>
    private static void AddBlock(Tensor[] layers, Tensor[] rows1, Tensor[] rows2, long s1, long s2, int o, bool mirror)
    {
        using var scope = NewDisposeScope();
        for (int l = 0; l < layers.Length; l++)
        {
            var block = rows1[l].matmul(rows2[l].transpose(0, 1));
            layers[l].narrow(0, s1 * o, block.shape[0]).narrow(1, s2 * o, block.shape[1]).copy_(block);
            if (mirror)
                layers[l].narrow(0, s2 * o, block.shape[1]).narrow(1, s1 * o, block.shape[0]).copy_(block.transpose(0, 1));
        }
    }

    /// <summary>
    /// Rows (i, k) of J for examples start..start+count, one backward pass per row on a single-example forward,
    /// split by parameter unit: [count·O, P_l] with P_l the entries of the unit's tensors.
    /// </summary>
    private Tensor[] JacobianRows(Tensor x, long start, long count, Tensor[] theta)
    {
        int o = OutputCount;
        var perLayer = Enumerable.Range(0, _units.Count).Select(_ => new List<Tensor>()).ToArray();
        for (long i = start; i < start + count; i++)
        {
            using var exampleScope = NewDisposeScope();
            var f = _network.Forward(x.narrow(0, i, 1), theta);
            for (int k = 0; k < o; k++)
            {
                var g = Weighted(autograd.grad([f[0, k]], theta, retain_graph: k < o - 1), 0.5);
                for (int l = 0; l < _units.Count; l++)
                    perLayer[l].Add(cat(UnitTensors(g, l).Select(t => t.flatten()).ToArray(), 0).MoveToOuterDisposeScope());
            }
        }
        return perLayer.Select(rows => stack(rows, 0)).ToArray();
    }

    // ---------------------------------------------------------------- ntvp

    /// <summary>f(x1), a dummy cotangent w [N1, O] and J(x1)ᵀw with its graph kept, so ∂⟨J(x1)ᵀw, u⟩/∂w = J(x1)u.</summary>
    private (Tensor F, Tensor W, IList<Tensor> G) TransposedJacobianGraph(Tensor x1, Tensor[] theta)
    {
        var f = _network.Forward(x1, theta);
        var w = zeros_like(f).requires_grad_(true);
        var g = autograd.grad([f], theta, [w], retain_graph: true, create_graph: true);
        return (f, w, g);
    }

    private (Tensor, Tensor[]) NtvpKernel(Tensor x1, Tensor x2, Tensor[] theta, bool perLayer)
    {
        int o = OutputCount;
        long n2 = x2.shape[0];
        var (_, w, g) = TransposedJacobianGraph(x1, theta);
        int groups = perLayer ? _units.Count : 1;
        var columns = Enumerable.Range(0, groups).Select(_ => new List<Tensor>()).ToArray();
        for (long j = 0; j < n2; j++)
        {
            using var exampleScope = NewDisposeScope();
            var f2 = _network.Forward(x2.narrow(0, j, 1), theta);
            for (int k = 0; k < o; k++)
            {
                // u = J(x2)ᵀ e_(j,k): the VJP with a basis cotangent.
                var u = Weighted(autograd.grad([f2[0, k]], theta, retain_graph: k < o - 1), 1);
                if (!perLayer)
                {
                    columns[0].Add(autograd.grad(g, [w], u, retain_graph: true)[0].flatten().MoveToOuterDisposeScope());
                    continue;
                }
                for (int l = 0; l < _units.Count; l++)
                {
                    var col = autograd.grad(UnitTensors(g, l), [w], UnitTensors(u, l), retain_graph: true)[0];
                    columns[l].Add(col.flatten().MoveToOuterDisposeScope());
                }
            }
        }
        var layers = columns.Select(c => stack(c, 1)).ToArray();
        var total = layers[0];
        for (int l = 1; l < layers.Length; l++) total = total.Plus(layers[l]);
        return (total, perLayer ? layers : []);
    }

    /// <summary>The entries of a per-tensor list (gradients of θ) that belong to parameter unit <paramref name="unit"/>.</summary>
    private Tensor[] UnitTensors(IList<Tensor> perTensor, int unit) =>
        perTensor.Skip(_units[unit].Offset).Take(_units[unit].TensorCount).ToArray();
}
