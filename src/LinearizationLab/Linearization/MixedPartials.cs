using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Linearization;

/// <summary>
/// The third derivatives D³f(θ)[a_J, a_K, a_L] of a stack of dense layers and activations along all J ≤ K ≤ L of M parameter
/// directions at once, by carrying the mixed partial derivatives of every layer's output, ∂_J v, ∂_JK v and ∂_JKL v with
/// ∂_J = d/dt_J of θ + Σ t_J a_J, through the network. For a dense layer z = m_W·W·v + m_b·b, whose W and b move along U_J and
/// c_J, the product rule gives (W is linear in t)
/// ∂_J z = m_W·(W ∂_J v + U_J v) + m_b·c_J,   ∂_JK z = m_W·(W ∂_JK v + U_J ∂_K v + U_K ∂_J v),
/// ∂_JKL z = m_W·(W ∂_JKL v + U_J ∂_KL v + U_K ∂_JL v + U_L ∂_JK v);
/// for an activation y = φ(z), Faà di Bruno for mixed partials (no factorials: each t appears once)
/// ∂_J y = φ′ ∂_J z,   ∂_JK y = φ″ ∂_J z ∂_K z + φ′ ∂_JK z,
/// ∂_JKL y = φ‴ ∂_J z ∂_K z ∂_L z + φ″ (∂_J z ∂_KL z + ∂_K z ∂_JL z + ∂_L z ∂_JK z) + φ′ ∂_JKL z.
/// The same formulas hold with repeated indices (two variables along one direction), so only sorted pairs and triples are
/// kept. Every W meets all 1 + M + M(M+1)/2 + M(M+1)(M+2)/6 coefficients in one GEMM and each U_J all pairs in one, where
/// polarization (<see cref="NtkHierarchy"/>) runs one order-3 jet of thin products per triple. The element-wise work on
/// triples goes in blocks of a few MB, which the allocator serves again from its heap; whole [triples, N, w] temporaries
/// were each mapped and zeroed by the kernel anew, and that had cost more than the products.
/// </summary>
internal static class MixedPartials
{
    /// <summary>Whether the network is a flat MLP (dense layers and activations, a dense layer first), the networks this route computes.</summary>
    public static bool Supports(Network network) =>
        network.Layers.Count > 0 && network.Layers[0].Kind is DenseLayer && network.Layers.All(l => l.Kind is DenseLayer or ActivationLayer);

    /// <summary>
    /// T[I, J, K, L] = D³f_I[a_J, a_K, a_L] for the M = N·O outputs I of <paramref name="x"/> [N, d] and the directions
    /// <paramref name="a"/> [M, P] (flat, in the order of <paramref name="theta"/>), [M, M, M, M] in θ's dtype.
    /// </summary>
    public static Tensor ThirdDerivatives(Network network, Tensor[] theta, Tensor x, Tensor a)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Supports(network)) throw new ArgumentException("mixed partials are carried through dense layers and activations only");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int m = (int)a.shape[0];
        var sets = new IndexSets(m, a.device);
        long n = x.shape[0];
        var starts = new long[theta.Length + 1];
        for (int i = 0; i < theta.Length; i++) starts[i + 1] = starts[i] + theta[i].numel();
        Tensor v0 = x;
        Tensor? v1 = null, v2 = null, v3 = null;   // [M, N, w], [pairs, N, w], [triples, N, w]
        for (int layer = 0; layer < network.Layers.Count; layer++)
        {
            var unit = network.Layers[layer];
            if (unit.Kind is DenseLayer dense)
            {
                int offset = network.ParameterOffset(layer);
                var (w, b) = (theta[offset], theta[offset + 1]);
                var u = a.narrow(1, starts[offset], w.numel()).view(m, w.shape[0], w.shape[1]);     // U_J
                var c = a.narrow(1, starts[offset + 1], b.numel());                                 // c_J
                (v0, v1, v2, v3) = Dense(dense.Scaling(unit.Context), w, b, u, c, v0, v1, v2, v3, sets, n);
            }
            else if (unit.Kind is ActivationLayer { Function: var phi } && !phi.IsIdentity)
                (v0, v1, v2, v3) = Activate(phi, v0, v1!, v2!, v3!, sets);
        }
        // v3 [triples, N, O] → T[I, p, q, r] for every ordered (p, q, r) from its sorted triple.
        var perTriple = v3!.reshape(sets.Triples, m);
        var ordered = perTriple.index_select(0, sets.TripleOfOrdered);                               // [M³, M]
        return ordered.t().contiguous().view(m, m, m, m).MoveToOuterDisposeScope();
    }

    private static (Tensor, Tensor, Tensor, Tensor) Dense(AffineScaling s, Tensor w, Tensor b, Tensor u, Tensor c,
        Tensor v0, Tensor? v1, Tensor? v2, Tensor? v3, IndexSets sets, long n)
    {
        int m = (int)u.shape[0];
        long width = w.shape[0];
        Tensor Apply(Tensor rows, Tensor weight) => rows.reshape(-1, rows.shape[^1]).matmul(weight.t()).view(-1, n, width);
        var z0 = v0.matmul(w.t()).Scaled(s.WeightMultiplier).Plus_(b.Scaled(s.BiasMultiplier));
        // ∂_J z = m_W·(W ∂_J v + U_J v) + m_b·c_J
        var z1 = v0.matmul(u.transpose(1, 2));                                                      // [M, N, w]: U_J v
        if (v1 is not null) z1.Plus_(Apply(v1, w));
        z1.Scale_(s.WeightMultiplier).AddScaled_(c.unsqueeze(1), s.BiasMultiplier);
        // Q[j, k] = U_j ∂_k v, R[j, pair] = U_j ∂_pair v
        var z2 = v2 is null ? zeros([sets.Pairs, n, width], w.dtype, w.device) : Apply(v2, w);
        var z3 = v3 is null ? zeros([sets.Triples, n, width], w.dtype, w.device) : Apply(v3, w);
        if (v1 is not null)
        {
            var q = stack(Enumerable.Range(0, m).Select(j => Apply(v1, u[j])).ToArray()).view(m * m, n * width);
            z2.view(sets.Pairs, -1).Plus_(q.index_select(0, sets.PairFirstSecond)).Plus_(q.index_select(0, sets.PairSecondFirst));
        }
        if (v2 is not null)
        {
            var r = stack(Enumerable.Range(0, m).Select(j => Apply(v2, u[j])).ToArray()).view(m * sets.Pairs, n * width);
            var flat = z3.view(sets.Triples, -1);
            long block = Math.Max(1, (2L << 20) / (n * width));   // blocks of a few MB: see Activate
            for (long start = 0; start < sets.Triples; start += block)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(block, sets.Triples - start);
                var rows = flat.narrow(0, start, count);
                foreach (var index in sets.TripleTerms) rows.Plus_(r.index_select(0, index.narrow(0, start, count)));
            }
        }
        z2.Scale_(s.WeightMultiplier);
        z3.Scale_(s.WeightMultiplier);
        return (z0, z1, z2, z3);
    }

    private static (Tensor, Tensor, Tensor, Tensor) Activate(Activation phi, Tensor z0, Tensor z1, Tensor z2, Tensor z3, IndexSets sets)
    {
        var d1 = phi.Derivative(z0);
        var y0 = phi.Apply(z0);
        var y1 = z1.mul(d1);
        if (!phi.HasCurvature) return (y0, y1, z2.mul_(d1), z3.mul_(d1));
        var (d2, d3) = (phi.SecondDerivative(z0), phi.ThirdDerivative(z0));
        // ∂_JKL y = φ′ ∂_JKL z + φ‴ ∂_J z ∂_K z ∂_L z + φ″ (∂_J z ∂_KL z + ∂_K z ∂_JL z + ∂_L z ∂_JK z), in blocks of triples:
        // blocks of a few MB are served again from the heap, where whole [triples, N, w] temporaries would each be mapped and
        // zeroed by the kernel anew (that was most of this step's time).
        z3.mul_(d1);
        long rows = z1.shape[1] * z1.shape[2], block = Math.Max(1, (2L << 20) / rows);
        for (long start = 0; start < sets.Triples; start += block)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(block, sets.Triples - start);
            Tensor Gather(Tensor t, Tensor index) =>
                t.view(t.shape[0], -1).index_select(0, index.narrow(0, start, count)).view(count, t.shape[1], t.shape[2]);
            var (j, k, l) = (Gather(z1, sets.TripleIndex[0]), Gather(z1, sets.TripleIndex[1]), Gather(z1, sets.TripleIndex[2]));
            var y = z3.narrow(0, start, count);
            y.Plus_(j.mul(k).mul_(l).mul_(d3));
            var curvature = j.mul_(Gather(z2, sets.TriplePair[0]));
            curvature.Plus_(k.mul_(Gather(z2, sets.TriplePair[1])));
            curvature.Plus_(l.mul_(Gather(z2, sets.TriplePair[2])));
            y.Plus_(curvature.mul_(d2));
        }
        // ∂_JK y = φ′ ∂_JK z + φ″ ∂_J z ∂_K z (after the triples, which read ∂_JK z)
        var first = z1.view(z1.shape[0], -1);
        var pairs = first.index_select(0, sets.PairFirst).mul_(first.index_select(0, sets.PairSecond)).view_as(z2).mul_(d2);
        return (y0, y1, z2.mul_(d1).Plus_(pairs), z3);
    }

    /// <summary>The sorted pairs J ≤ K and triples J ≤ K ≤ L of M indices, and the index tensors that gather along them.</summary>
    private sealed class IndexSets
    {
        public IndexSets(int m, Device device)
        {
            var pairOf = new int[m, m];
            var pairs = new List<(int J, int K)>();
            for (int j = 0; j < m; j++)
                for (int k = j; k < m; k++)
                {
                    pairOf[j, k] = pairOf[k, j] = pairs.Count;
                    pairs.Add((j, k));
                }
            var tripleOf = new int[m, m, m];
            var triples = new List<(int J, int K, int L)>();
            for (int j = 0; j < m; j++)
                for (int k = j; k < m; k++)
                    for (int l = k; l < m; l++)
                    {
                        foreach (var (p, q, r) in new[] { (j, k, l), (j, l, k), (k, j, l), (k, l, j), (l, j, k), (l, k, j) })
                            tripleOf[p, q, r] = triples.Count;
                        triples.Add((j, k, l));
                    }
            Tensor Index(IEnumerable<int> values) => tensor(values.Select(v => (long)v).ToArray(), ScalarType.Int64, device);
            Pairs = pairs.Count;
            Triples = triples.Count;
            PairFirst = Index(pairs.Select(p => p.J));
            PairSecond = Index(pairs.Select(p => p.K));
            PairFirstSecond = Index(pairs.Select(p => p.J * m + p.K));
            PairSecondFirst = Index(pairs.Select(p => p.K * m + p.J));
            TripleIndex = [Index(triples.Select(t => t.J)), Index(triples.Select(t => t.K)), Index(triples.Select(t => t.L))];
            TriplePair = [Index(triples.Select(t => pairOf[t.K, t.L])), Index(triples.Select(t => pairOf[t.J, t.L])),
                Index(triples.Select(t => pairOf[t.J, t.K]))];
            TripleTerms = [Index(triples.Select(t => t.J * Pairs + pairOf[t.K, t.L])), Index(triples.Select(t => t.K * Pairs + pairOf[t.J, t.L])),
                Index(triples.Select(t => t.L * Pairs + pairOf[t.J, t.K]))];
            TripleOfOrdered = Index(Enumerable.Range(0, m * m * m).Select(i => tripleOf[i / (m * m), i / m % m, i % m]));
        }

        public int Pairs { get; }
        public int Triples { get; }

        /// <summary>J and K of each pair.</summary>
        public Tensor PairFirst { get; }
        public Tensor PairSecond { get; }

        /// <summary>j·M + k and k·M + j of each pair (J, K), rows of Q[j, k].</summary>
        public Tensor PairFirstSecond { get; }
        public Tensor PairSecondFirst { get; }

        /// <summary>J, K and L of each triple.</summary>
        public Tensor[] TripleIndex { get; }

        /// <summary>The pairs (K, L), (J, L) and (J, K) of each triple (J, K, L), matching <see cref="TripleIndex"/>.</summary>
        public Tensor[] TriplePair { get; }

        /// <summary>Rows J·pairs + (K, L), K·pairs + (J, L) and L·pairs + (J, K) of R[j, pair] for each triple.</summary>
        public Tensor[] TripleTerms { get; }

        /// <summary>The sorted triple of every ordered (p, q, r), at p·M² + q·M + r.</summary>
        public Tensor TripleOfOrdered { get; }
    }
}
