using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The hierarchy of the NTK under gradient flow dθ/dτ = −∇L on L = ½·mean over the N training examples of ‖f − y‖²
/// (Dyer &amp; Gur-Ari 2019; Huang &amp; Yau 2019), truncated by freezing O₄ at its value at initialization. Indices I, J, K, L
/// run over the M = N·O training outputs, a_I = ∇_θ f_I, ε = f − y:
/// dε/dτ = −(1/N)·Θ ε, dΘ_IJ/dτ = −(1/N)·Σ_K O₃_IJK ε_K, dO₃_IJK/dτ = −(1/N)·Σ_L O₄_IJKL ε_L, with
/// Θ_IJ = a_I·a_J, O₃_IJK = ∇Θ_IJ·a_K and O₄_IJKL = ∇O₃_IJK·a_L. O₃ and O₄ are of order 1/n, so the truncation keeps every
/// O(1/n) effect on the dynamics. They are computed at θ0 by automatic differentiation: with B_IK = H_I a_K (the Hessian of
/// f_I times a_K, by hand-written order-2 jets where the network has them), O₃_IJK = a_J·B_IK + a_I·B_JK and
/// O₄_IJKL = B_IK·B_JL + B_IJ·B_KL + B_IL·B_JK + B_JI·B_KL + D³f_I[a_J, a_K, a_L] + D³f_J[a_I, a_K, a_L], the third
/// derivatives by carrying mixed partials through an MLP (<see cref="MixedPartials"/>), else by polarization of the cubic
/// coefficient of order-3 jets (exact: the coefficient is a cubic form).
/// Storage is M⁴ doubles for O₄ and M²·P for the B's, so it is meant for small training sets (M ≤ 32).
/// </summary>
public sealed class NtkHierarchy
{
    /// <summary>The largest M = N·O accepted.</summary>
    public const int MaxOutputs = 32;

    /// <summary>The most memory the M² Hessian-vector products B_IK may take (8 GiB).</summary>
    public const long MaxProductBytes = 8L << 30;

    private NtkHierarchy(int examples, double[] residual, double[] theta, double[] o3, double[] o4)
    {
        Examples = examples;
        Size = residual.Length;
        InitialResidual = residual;
        InitialKernel = theta;
        O3 = o3;
        O4 = o4;
    }

    /// <summary>N, the number of training examples (the loss's mean).</summary>
    public int Examples { get; }

    /// <summary>M = N·O, the number of training outputs; index I = example·O + output.</summary>
    public int Size { get; }

    /// <summary>ε(0) = f(θ0) − y, [M].</summary>
    public double[] InitialResidual { get; }

    /// <summary>Θ̂(0), [M·M] row-major.</summary>
    public double[] InitialKernel { get; }

    /// <summary>O₃ at θ0, [M³] with index (I·M + J)·M + K.</summary>
    public double[] O3 { get; }

    /// <summary>O₄ at θ0, [M⁴] with index ((I·M + J)·M + K)·M + L.</summary>
    public double[] O4 { get; }

    /// <summary>
    /// Θ̂, O₃ and O₄ of <paramref name="network"/> at its current parameters on the training set (x, y); <paramref name="phases"/>,
    /// when given, receives the time of its steps (hierarchy_jacobian, _hessian_products, _third_derivatives, _contractions).
    /// </summary>
    public static NtkHierarchy AtInitialization(Network network, Tensor x, Tensor y, PhaseTimes? phases = null)
    {
        int n = (int)x.shape[0], outputs = network.Spec.OutputCount, m = n * outputs;
        if (m > MaxOutputs)
            throw new ArgumentException($"the hierarchy stores O₄ with M⁴ entries; M = N·O = {m} exceeds {MaxOutputs}");
        long bytes = (long)m * m * network.ParameterCount * sizeof(double);
        if (bytes > MaxProductBytes)
            throw new ArgumentException($"the {m}² Hessian-vector products of {network.ParameterCount:N0} parameters need {bytes / (double)(1L << 30):F1} GiB " +
                $"(at most {MaxProductBytes >> 30} GiB): use fewer training points or narrower widths");
        using var scope = NewDisposeScope();
        var theta = network.Parameters.Select(p => p.detach()).ToArray();
        Tensor a, b, gram, o3, third;
        using (phases?.Measure("hierarchy_jacobian")) a = Jacobian(network, theta, x);                 // [M, P], row I = ∇f_I
        using (phases?.Measure("hierarchy_hessian_products")) b = HessianProducts(network, theta, x, a); // [M·M, P], row I·M + K = H_I a_K
        using (phases?.Measure("hierarchy_contractions"))
        {
            gram = GramMatrix.Of(b).view(m, m, m, m);         // [I, K, J, L] = B_IK·B_JL
            var ba = b.matmul(a.t()).view(m, m, m);           // [I, K, J] = B_IK·a_J
            o3 = ba.permute(0, 2, 1).Plus(ba.permute(2, 0, 1));   // [I, J, K] = B_IK·a_J + B_JK·a_I
        }
        b.Dispose();   // M²·P doubles, not needed past here: the third derivatives' temporaries need not sit beside them
        using (phases?.Measure("hierarchy_third_derivatives")) third = MixedPartials.Supports(network)
            ? MixedPartials.ThirdDerivatives(network, theta, x, a) : ThirdDerivativesByPolarization(network, theta, x, a, m);
        Tensor o4;
        using (phases?.Measure("hierarchy_contractions")) o4 = HierarchyO4(gram, third, m);
        using var noGrad = no_grad();
        var residual = (network.Forward(x, theta) - y).reshape(m);
        return new NtkHierarchy(n, Doubles(residual), Doubles(a.matmul(a.t())), Doubles(o3), Doubles(o4));
    }

    /// <summary>The Jacobian of the M training outputs, one reverse pass per output, as rows [M, P].</summary>
    private static Tensor Jacobian(Network network, Tensor[] theta, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var leaves = theta.Select(t => t.detach().requires_grad_(true)).ToArray();
        var f = network.Forward(x, leaves).reshape(-1);
        var rows = zeros([f.shape[0], leaves.Sum(t => t.numel())], f.dtype, f.device);
        for (int i = 0; i < f.shape[0]; i++)
            CopyFlat(autograd.grad([f[i]], leaves, retain_graph: true, allow_unused: true), leaves, rows[i]);
        return rows.MoveToOuterDisposeScope();
    }

    /// <summary>B_IK = H_I a_K for all I, K as rows I·M + K of [M·M, P], by hand-written jets where the network has them.</summary>
    private static Tensor HessianProducts(Network network, Tensor[] theta, Tensor x, Tensor a) =>
        network.SupportsBackprop ? HessianProductsByJets(network, theta, x, a) : HessianProductsByAutograd(network, theta, x, a);

    /// <summary>
    /// B_IK by automatic differentiation: for each K the forward-mode tangent t = J(θ)·a_K (<see cref="Network.Jvp"/>), then one
    /// reverse pass per output I of t_I, since ∇_θ(J(θ)a_K)_I = H_I a_K.
    /// </summary>
    internal static Tensor HessianProductsByAutograd(Network network, Tensor[] theta, Tensor x, Tensor a)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        int m = (int)a.shape[0];
        var products = zeros([m * m, a.shape[1]], a.dtype, a.device);   // written row by row: no second copy
        var leaves = theta.Select(t => t.detach().requires_grad_(true)).ToArray();
        for (int k = 0; k < m; k++)
        {
            using var kScope = NewDisposeScope();
            var (_, tangent) = network.Jvp(x, leaves, Unflatten(a[k], theta));
            var t = tangent.reshape(-1);
            // A network affine in θ has no second derivative: its tangent does not depend on θ at all (rows stay 0).
            if (!t.requires_grad) continue;
            for (int i = 0; i < m; i++)
            {
                using var rowScope = NewDisposeScope();
                CopyFlat(autograd.grad([t[i]], leaves, retain_graph: i < m - 1, allow_unused: true), leaves, products[i * m + k]);
            }
        }
        return products.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// B_IK for networks with hand-written passes: the second jet coefficient f_2 = ½·D²f[u, u] has the gradient H_I·u in u,
    /// so one order-2 jet along a_K (<see cref="Network.JetInto"/>) and, per output I, one reverse pass from f_(2,I)
    /// (<see cref="Network.JetBackprop"/>) that adds H_I a_K straight into its row of B. No autograd graph is built.
    /// </summary>
    internal static Tensor HessianProductsByJets(Network network, Tensor[] theta, Tensor x, Tensor a)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int m = (int)a.shape[0], outputs = network.Spec.OutputCount;
        long n = x.shape[0];
        var products = zeros([m * m, a.shape[1]], a.dtype, a.device);
        var direction = zeros(a.shape[1], a.dtype, a.device);
        var displacement = Unflatten(direction, theta);
        using var workspace = new BackpropWorkspace(network.Layers.Count);
        var seed = zeros([3 * n, outputs], a.dtype, a.device);   // ∂L/∂f_j in blocks j = 0, 1, 2 of n rows
        for (int k = 0; k < m; k++)
        {
            direction.copy_(a[k]);
            network.JetInto(x, 2, theta, displacement, workspace, newPoint: k == 0);
            for (int i = 0; i < m; i++)
            {
                using var rowScope = NewDisposeScope();
                seed.zero_();   // the reverse pass may overwrite it
                seed[2 * n + i / outputs, i % outputs] = tensor(1.0, a.dtype, a.device);
                using var sink = new GradientAccumulator(Unflatten(products[i * m + k], theta), zero: false);
                network.JetBackprop(seed, 2, theta, displacement, workspace, sink);
            }
        }
        return products.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// T[I, J, K, L] = D³f_I[a_J, a_K, a_L] by polarization of the cubic Taylor coefficient c(u) = D³f[u, u, u]/6 of
    /// order-3 jets along u (all I at once): D³f[a, b, c] = c(a+b+c) − c(a+b) − c(a+c) − c(b+c) + c(a) + c(b) + c(c),
    /// with the single and pair terms computed once; each J ≤ K ≤ L is copied to every permutation. The O(M³) jets run from
    /// one expansion point, with u written into one buffer (<see cref="CubicCoefficient"/>).
    /// </summary>
    internal static Tensor ThirdDerivativesByPolarization(Network network, Tensor[] theta, Tensor x, Tensor a, int m)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cubic = new CubicCoefficient(network, theta, x);
        var single = Enumerable.Range(0, m).Select(j => cubic.Along(u => u.copy_(a[j]))).ToArray();
        var pair = new Tensor[m, m];
        for (int j = 0; j < m; j++)
            for (int k = j + 1; k < m; k++)
                pair[j, k] = pair[k, j] = cubic.Along(u => u.copy_(a[j]).Plus_(a[k]));
        // Pairs with a repeated index: c(2a) = 8c(a).
        for (int j = 0; j < m; j++) pair[j, j] = single[j].Scaled(8);
        var third = zeros([m, m, m, m], a.dtype, a.device);
        for (int j = 0; j < m; j++)
        for (int k = j; k < m; k++)
        for (int l = k; l < m; l++)
        {
            using var tripleScope = NewDisposeScope();
            var value = cubic.Along(u => u.copy_(a[j]).Plus_(a[k]).Plus_(a[l]));
            value.sub_(pair[j, k]).sub_(pair[j, l]).sub_(pair[k, l]).Plus_(single[j]).Plus_(single[k]).Plus_(single[l]);
            foreach (var (p, q, r) in new[] { (j, k, l), (j, l, k), (k, j, l), (k, l, j), (l, j, k), (l, k, j) })
                third[.., p, q, r].copy_(value);
        }
        return third.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// c(u) = D³f(θ)[u, u, u]/6 on the training set, [M], for many directions u from one expansion point: u is written into a
    /// buffer viewed as Δθ, and networks with hand-written passes run the stacked jet (<see cref="Network.JetInto"/>) through
    /// buffers kept from call to call, so a direction allocates nothing parameter-sized.
    /// </summary>
    private sealed class CubicCoefficient : IDisposable
    {
        private readonly Network _network;
        private readonly Tensor[] _theta;
        private readonly Tensor _x;
        private readonly Tensor _direction;
        private readonly Tensor[] _displacement;
        private readonly BackpropWorkspace _workspace;
        private readonly JetPoint? _point;
        private bool _pointValid;

        public CubicCoefficient(Network network, Tensor[] theta, Tensor x)
        {
            (_network, _theta, _x) = (network, theta, x);
            _direction = zeros(theta.Sum(t => t.numel()), theta[0].dtype, theta[0].device).DetachFromDisposeScope();
            _displacement = Unflatten(_direction, theta);
            _workspace = new BackpropWorkspace(network.Layers.Count);
            if (!network.SupportsBackprop) _point = network.ExpansionPoint(x, theta, 3);
        }

        /// <summary>c(u) for the u that <paramref name="direction"/> writes into the (flat) buffer it is given.</summary>
        public Tensor Along(Action<Tensor> direction)
        {
            direction(_direction);
            if (_point is not null) return _network.Jet(_point, _theta, _displacement)[2].reshape(-1);
            long n = _x.shape[0];
            var stacked = _network.JetInto(_x, 3, _theta, _displacement, _workspace, newPoint: !_pointValid);
            _pointValid = true;
            return stacked.narrow(0, 3 * n, n).reshape(-1).clone();
        }

        public void Dispose()
        {
            _direction.Dispose();
            _workspace.Dispose();
        }
    }

    /// <summary>Parameter gradients written into the flat vector <paramref name="row"/> (left at 0 where a parameter does not enter).</summary>
    private static void CopyFlat(IList<Tensor> gradients, Tensor[] like, Tensor row)
    {
        long offset = 0;
        for (int i = 0; i < like.Length; i++)
        {
            if (gradients[i] is { IsInvalid: false } g) row.narrow(0, offset, like[i].numel()).copy_(g.detach().flatten());
            offset += like[i].numel();
        }
    }

    /// <summary>A flat P-vector split into tensors shaped like θ.</summary>
    private static Tensor[] Unflatten(Tensor flat, Tensor[] like)
    {
        var parts = new Tensor[like.Length];
        long offset = 0;
        for (int i = 0; i < like.Length; i++)
        {
            long size = like[i].numel();
            parts[i] = flat.narrow(0, offset, size).view(like[i].shape);
            offset += size;
        }
        return parts;
    }

    /// <summary>
    /// O₄_IJKL = B_IK·B_JL + B_IJ·B_KL + B_IL·B_JK + B_JI·B_KL + T_I[J,K,L] + T_J[I,K,L] from the Gram G[I,K,J,L] = B_IK·B_JL.
    /// </summary>
    private static Tensor HierarchyO4(Tensor g, Tensor third, int m)
    {
        // permute(p) gives out[i0,i1,i2,i3] = g[index i_k at position p_k]; each term names the G entry it reads.
        var o4 = g.permute(0, 2, 1, 3).clone();                  // out[I,J,K,L] = G[I,K,J,L] = B_IK·B_JL
        o4.Plus_(g);                                              // out[I,J,K,L] = G[I,J,K,L] = B_IJ·B_KL
        o4.Plus_(g.permute(0, 2, 3, 1));                          // out[I,J,K,L] = G[I,L,J,K] = B_IL·B_JK
        o4.Plus_(g.permute(1, 0, 2, 3));                          // out[I,J,K,L] = G[J,I,K,L] = B_JI·B_KL
        o4.Plus_(third);
        o4.Plus_(third.permute(1, 0, 2, 3));
        return o4;
    }

    /// <summary>
    /// Integrates the truncated system by the classical Runge–Kutta method with at most <paramref name="maxStep"/> per step
    /// and returns (f − y, Θ̂) at each of <paramref name="times"/> (ascending, τ ≥ 0; τ = η·t matches t GD steps at rate η to
    /// first order in η).
    /// </summary>
    public IReadOnlyList<(double Time, double[] Residual, double[] Kernel)> Integrate(IReadOnlyList<double> times, double maxStep) =>
        Integrate(times, maxStep, frozen: false);

    /// <summary>
    /// The hierarchy's prediction for t full-batch GD steps at rate <paramref name="rate"/>, at each of <paramref name="steps"/>:
    /// the flow at τ = η·t plus the difference between GD and flow of the frozen-kernel (linear) model,
    /// (1 − ηΘ0/N)ᵗε0 − exp(−Θ0τ/N)ε0, which is the whole GD-vs-flow difference of order 1 in n; what remains is of order η/n.
    /// With O₃ = O₄ = 0 this is the linearization's GD exactly. The kernel is the flow's.
    /// </summary>
    public IReadOnlyList<(int Step, double[] Residual, double[] Kernel)> GradientDescent(double rate, IReadOnlyList<int> steps)
    {
        var times = steps.Select(t => rate * t).ToArray();
        double maxStep = rate / 10;   // Runge–Kutta error far below the O(η) GD-vs-flow difference
        var flow = Integrate(times, maxStep, frozen: false);
        var linearFlow = Integrate(times, maxStep, frozen: true);
        int m = Size;
        var e = (double[])InitialResidual.Clone();
        var next = new double[m];
        var results = new List<(int, double[], double[])>();
        int done = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            for (; done < steps[i]; done++)
            {
                for (int r = 0; r < m; r++)
                {
                    double sum = 0;
                    for (int c = 0; c < m; c++) sum += InitialKernel[r * m + c] * e[c];
                    next[r] = e[r] - rate / Examples * sum;
                }
                (e, next) = (next, e);
            }
            var residual = flow[i].Residual.Select((v, r) => v + e[r] - linearFlow[i].Residual[r]).ToArray();
            results.Add((steps[i], residual, flow[i].Kernel));
        }
        return results;
    }

    private IReadOnlyList<(double Time, double[] Residual, double[] Kernel)> Integrate(IReadOnlyList<double> times, double maxStep, bool frozen)
    {
        int m = Size, m2 = m * m, m3 = m2 * m;
        var state = new double[m + m2 + m3];
        InitialResidual.CopyTo(state, 0);
        InitialKernel.CopyTo(state, m);
        O3.CopyTo(state, m + m2);
        var results = new List<(double, double[], double[])>();
        double now = 0;
        double[] k1 = new double[state.Length], k2 = new double[state.Length], k3 = new double[state.Length], k4 = new double[state.Length];
        double[] probe = (double[])state.Clone();
        int moving = frozen ? m : state.Length;   // frozen: Θ and O₃ stay as they are in state and probe alike
        foreach (double target in times)
        {
            if (target < now) throw new ArgumentException("times must be ascending and non-negative", nameof(times));
            int steps = (int)Math.Ceiling((target - now) / maxStep);
            double h = steps == 0 ? 0 : (target - now) / steps;
            for (int s = 0; s < steps; s++)
            {
                Derivative(state, k1, frozen);
                Axpy(state, k1, h / 2, probe, moving);
                Derivative(probe, k2, frozen);
                Axpy(state, k2, h / 2, probe, moving);
                Derivative(probe, k3, frozen);
                Axpy(state, k3, h, probe, moving);
                Derivative(probe, k4, frozen);
                for (int i = 0; i < moving; i++) state[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
            now = target;
            results.Add((target, state[..m], state[m..(m + m2)]));
        }
        return results;
    }

    /// <summary>The right-hand side of the truncated system at <paramref name="state"/> = (ε, Θ, O₃); only dε/dτ when <paramref name="frozen"/>.</summary>
    private void Derivative(double[] state, double[] rate, bool frozen)
    {
        int m = Size, m2 = m * m;
        double c = -1.0 / Examples;
        var e = state.AsSpan(0, m);
        Contract(state.AsSpan(m, m2), e, rate.AsSpan(0, m), c);
        if (frozen) return;   // the rest of rate is not read
        Contract(state.AsSpan(m + m2, m2 * m), e, rate.AsSpan(m, m2), c);
        Contract(O4, e, rate.AsSpan(m + m2, m2 * m), c);
    }

    /// <summary>
    /// out[r] = c·Σ_L tensor[r·M + L]·ε_L over the last index: a matrix-vector product [rows, M]·ε by BLAS, since the O₄
    /// contraction (M³ rows of M) is nearly all of the integration's time.
    /// </summary>
    private static void Contract(ReadOnlySpan<double> tensor, ReadOnlySpan<double> e, Span<double> output, double c) =>
        Lapack.Gemm(false, false, output.Length, 1, e.Length, c, tensor, e.Length, e, 1, 0, output, 1);

    private static void Axpy(double[] x, double[] y, double a, double[] output, int length)
    {
        for (int i = 0; i < length; i++) output[i] = x[i] + a * y[i];
    }

    private static double[] Doubles(Tensor t) => t.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
}
