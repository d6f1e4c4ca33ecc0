using LinearizationLab.Layers;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using MathNet.Numerics.LinearAlgebra;

namespace LinearizationLab.Tests.Analytic;

/// <summary>Facts about the infinite-width NNGP and NTK of whole networks.</summary>
public class AnalyticKernelsTests
{
    /// <summary>Absolute tolerance for O(1) closed forms reached in a handful of float64 operations: a few ulps (2.2e-16 each);
    /// the padding and stride cases are small integers and halves, exact in float64, where 1e-15 is about one ulp of 4–5.</summary>
    private const double FewUlps = 1e-15;

    /// <summary>Absolute tolerance for O(1) kernels built from sums of ~5 float64 products: round-off ~1e-15, with 10× margin.</summary>
    private const double ShortSumRoundOff = 1e-14;

    /// <summary>Relative tolerance between two computations of one kernel that sum in different orders through several layers: ~1e-15 per layer, with margin.</summary>
    private const double ReorderedRoundOff = 1e-13;

    [Fact]
    public void SingleDenseLayerGivesTheLinearKernel()
    {
        // K = w²·x·x'/d + b², and Θ = K (only this layer's weights and biases train). Round-off ~1e-15.
        const double w = 1.3, b = 0.4;
        var arch = Mlp([5], new DenseLayer(3, w, b));
        var x = TestInputs.Uniform(4, 5, seed: 1);
        var kernels = AnalyticKernels.Compute(arch, x);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            double dot = 0;
            for (int f = 0; f < 5; f++) dot += x[i, f] * x[j, f];
            double expected = w * w * dot / 5 + b * b;
            Assert.Equal(expected, kernels.Nngp[i, j], ShortSumRoundOff);
            Assert.Equal(expected, kernels.Ntk[i, j], ShortSumRoundOff);
        }
    }

    [Fact]
    public void StandardParameterizationDenseNtkIsFanInTimesTheInputKernelPlusOne()
    {
        // neural-tangents (stax.Dense, standard): Θ = d·(x·x'/d) + 1 = x·x' + 1; the NNGP is as under NTK.
        var arch = new ArchitectureSpec([3], Parameterization.Standard, [new DenseLayer(1, 2.0, 0.5)]);
        var x = new double[,] { { 1, 2, 3 }, { -1, 0, 2 } };
        var kernels = AnalyticKernels.Compute(arch, x);
        Assert.Equal(4.0 * 5 / 3 + 0.25, kernels.Nngp[0, 1], ShortSumRoundOff);
        Assert.Equal(5.0 + 1, kernels.Ntk[0, 1], ShortSumRoundOff);
    }

    [Fact]
    public void DepthOneReluMatchesArcCosineAtAngles0HalfPiAndPi()
    {
        // x = (1,0) against (1,0), (0,1), (−1,0): Σ11 = Σ22 = 1/2, Σ12 = 1/2, 0, −1/2 after dense(w=1, b=0).
        // ReLU: K = Σ·(sin θ + (π−θ) cos θ)/(2π) = 1/4, 1/(4π), 0; K̇ = (π−θ)/(2π) = 1/2, 1/4, 0.
        // Readout dense(w=1, b=0): NNGP = K; NTK = K + K̇·Σ12 = 1/2, 1/(4π), 0.
        var arch = Mlp([2], new DenseLayer(8, 1, 0), new ActivationLayer(Activation.Relu), new DenseLayer(1, 1, 0));
        var kernels = AnalyticKernels.Compute(arch, new double[,] { { 1, 0 } }, new double[,] { { 1, 0 }, { 0, 1 }, { -1, 0 } });
        double[] nngp = [0.25, 1 / (4 * Math.PI), 0], ntk = [0.5, 1 / (4 * Math.PI), 0];
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(nngp[j], kernels.Nngp[0, j], FewUlps);
            Assert.Equal(ntk[j], kernels.Ntk[0, j], FewUlps);
        }
    }

    [Fact]
    public void DepthOneErfMatchesWilliams()
    {
        // x·x'/d with d = 2: Σ11 = 5/2, Σ22 = 1/2, Σ12 = 1/2; K = (2/π) arcsin(2Σ12/√((1+2Σ11)(1+2Σ22))).
        var arch = Mlp([2], new DenseLayer(8, 1, 0), new ActivationLayer(Activation.Erf), new DenseLayer(1, 1, 0));
        var kernels = AnalyticKernels.Compute(arch, new double[,] { { 1, 2 } }, new double[,] { { 1, 0 } });
        double p = (1 + 5.0) * (1 + 1.0);
        Assert.Equal(2 / Math.PI * Math.Asin(1 / Math.Sqrt(p)), kernels.Nngp[0, 0], FewUlps);
        Assert.Equal(2 / Math.PI * Math.Asin(1 / Math.Sqrt(p)) + 4 / Math.PI / Math.Sqrt(p - 1) * 0.5, kernels.Ntk[0, 0], FewUlps);
    }

    [Fact]
    public void DeepReluDiagonalFollowsTheZeroAngleRecursion()
    {
        // For x = x' the angle is 0 at every layer: K ← w²·K/2 + b², Θ ← K_new + w²·Θ/2 (after the first dense layer,
        // K⁰ = ‖x‖²/d). Depth 5; the diagonal must match to round-off (1e-14 relative): an angle computed from
        // slightly inconsistent variances would be off by ~1e-9 (docs/KERNEL-CONVENTIONS.md, a trap).
        const double w = 1.414, b = 0.1;
        var layers = new List<Layer>();
        for (int l = 0; l < 5; l++) layers.AddRange([new DenseLayer(16, w, b), new ActivationLayer(Activation.Relu)]);
        layers.Add(new DenseLayer(1, w, b));
        var arch = Mlp([7], [.. layers]);
        var x = TestInputs.Uniform(6, 7, seed: 4);
        var kernels = AnalyticKernels.Compute(arch, x);
        for (int i = 0; i < 6; i++)
        {
            double k = 0, theta = 0;
            for (int f = 0; f < 7; f++) k += x[i, f] * x[i, f] / 7;
            for (int l = 0; l < 6; l++)
            {
                k = w * w * k + b * b;
                theta = k + w * w * theta;
                if (l < 5)
                {
                    k /= 2;
                    theta /= 2;
                }
            }

            Assert.Equal(k, kernels.Nngp[i, i], 1e-14 * k);
            Assert.Equal(theta, kernels.Ntk[i, i], 1e-14 * theta);
        }
    }

    public static TheoryData<string> Networks => new() { "relu-mlp", "erf-mlp", "tanh-mlp", "cnn-same-flatten", "cnn-circular-gap", "cnn1d-valid-stride" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void KernelsAreSymmetricPositiveSemidefinite(string name)
    {
        // Covariances of a Gaussian process: min eigenvalue ≥ −1e-10·λmax allows float64 round-off in the eigensolver.
        var (arch, x) = Network(name, 12);
        var kernels = AnalyticKernels.Compute(arch, x);
        foreach (var k in new[] { kernels.Nngp, kernels.Ntk })
        {
            var m = Matrix<double>.Build.DenseOfArray(k);
            Assert.Equal(0.0, (m - m.Transpose()).InfinityNorm(), 0.0); // exact: K[j,i] is written as a copy of K[i,j]
            var eigenvalues = m.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
            Assert.True(eigenvalues.Min() >= -1e-10 * eigenvalues.Max(), $"min eigenvalue {eigenvalues.Min()} vs max {eigenvalues.Max()}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void CrossBlockEqualsTheBlockOfTheJointKernel(string name)
    {
        // The same per-pair arithmetic runs in both cases; only the ReLU angle at i = j may differ (not in this block),
        // so 1e-13 relative covers summation-order round-off in K⁰.
        var (arch, x) = Network(name, 10);
        var x1 = Rows(x, 0, 6);
        var x2 = Rows(x, 6, 10);
        var joint = AnalyticKernels.Compute(arch, x);
        var cross = AnalyticKernels.Compute(arch, x1, x2);
        for (int i = 0; i < 6; i++)
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(joint.Nngp[i, 6 + j], cross.Nngp[i, j], 1e-13 * Math.Abs(joint.Nngp[i, i]));
            Assert.Equal(joint.Ntk[i, 6 + j], cross.Ntk[i, j], 1e-13 * Math.Abs(joint.Ntk[i, i]));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CnnOnOneByOneImagesEqualsTheMlp(bool globalAvgPool)
    {
        // A 1×1 conv on 1×1 images is a dense layer on the channels, and flatten / global_avg_pool of one position
        // is the identity: the kernels agree up to round-off.
        const int c = 4;
        var cnn = new ArchitectureSpec([c, 1, 1], Parameterization.Ntk,
        [
            new ConvLayer(16, [1, 1], [1, 1], Padding.Same, 1.5, 0.2), new ActivationLayer(Activation.Relu),
            new ConvLayer(16, [1, 1], [1, 1], Padding.Valid, 1.2, 0.1), new ActivationLayer(Activation.Erf),
            globalAvgPool ? new GlobalAvgPoolLayer() : new FlattenLayer(), new DenseLayer(1, 0.9, 0.3),
        ]);
        var mlp = Mlp([c], new DenseLayer(16, 1.5, 0.2), new ActivationLayer(Activation.Relu), new DenseLayer(16, 1.2, 0.1),
            new ActivationLayer(Activation.Erf), new DenseLayer(1, 0.9, 0.3));
        var x = TestInputs.Uniform(5, c, seed: 3);
        var a = AnalyticKernels.Compute(cnn, x);
        var b = AnalyticKernels.Compute(mlp, x);
        AssertClose(b.Nngp, a.Nngp, ReorderedRoundOff);
        AssertClose(b.Ntk, a.Ntk, ReorderedRoundOff);
    }

    [Fact]
    public void CircularGlobalAvgPoolIsInvariantToCircularTranslation()
    {
        // Circular conv is equivariant and global_avg_pool sums over all position pairs, so K(Tx, x') = K(x, x').
        var (arch, x) = Network("cnn-circular-gap", 3);
        var shifted = (double[,])x.Clone();
        int channels = 2, h = 4, w = 5;
        for (int ch = 0; ch < channels; ch++)
        for (int r = 0; r < h; r++)
        for (int col = 0; col < w; col++)
            shifted[0, (ch * h + (r + 1) % h) * w + (col + 2) % w] = x[0, (ch * h + r) * w + col];
        var original = AnalyticKernels.Compute(arch, Rows(x, 0, 1), Rows(x, 1, 3));
        var translated = AnalyticKernels.Compute(arch, Rows(shifted, 0, 1), Rows(x, 1, 3));
        AssertClose(original.Nngp, translated.Nngp, ReorderedRoundOff);
        AssertClose(original.Ntk, translated.Ntk, ReorderedRoundOff);
        Assert.NotEqual(original.Nngp[0, 0], AnalyticKernels.Compute(Network("cnn-same-flatten", 3).Arch, Rows(x, 0, 1), Rows(x, 1, 2)).Nngp[0, 0]);
    }

    [Fact]
    public void SameWithEvenKernelPadsZeroBeforeAndOneAfter()
    {
        // Input [1,2] = (1, 0): K⁰ per position = (1, 0). conv k=2 SAME pads 0 before, 1 after:
        // out0 = (K00 + K11)/2 = 1/2, out1 = (K11 + pad)/2 = 0 → flatten mean 1/4 (padding 1 before would give 1/2).
        // Then K = w²·1/4 + b² with w = 2, b = 0.5.
        var arch = new ArchitectureSpec([1, 2], Parameterization.Ntk,
            [new ConvLayer(4, [2], [1], Padding.Same, 2.0, 0.5), new FlattenLayer(), new DenseLayer(1, 1, 0)]);
        var kernels = AnalyticKernels.Compute(arch, new double[,] { { 1, 0 } });
        Assert.Equal(4.0 / 4 + 0.25, kernels.Nngp[0, 0], FewUlps);
    }

    [Fact]
    public void ValidStridedConvAveragesTheTapsItReads()
    {
        // Input [1,4] with K⁰ diagonal (a², b², c², d²); conv k=1 stride 2 VALID reads positions 0 and 2:
        // flatten mean (a² + c²)/2. And conv k=2 VALID stride 1 on [1,3]: (K00 + 2K11 + K22)/4.
        var strided = new ArchitectureSpec([1, 4], Parameterization.Ntk,
            [new ConvLayer(4, [1], [2], Padding.Valid, 1, 0), new FlattenLayer(), new DenseLayer(1, 1, 0)]);
        Assert.Equal((1.0 + 9) / 2, AnalyticKernels.Compute(strided, new double[,] { { 1, 2, 3, 4 } }).Nngp[0, 0], FewUlps);
        var wide = new ArchitectureSpec([1, 3], Parameterization.Ntk,
            [new ConvLayer(4, [2], [1], Padding.Valid, 1, 0), new FlattenLayer(), new DenseLayer(1, 1, 0)]);
        Assert.Equal((1.0 + 2 * 4 + 9) / 4, AnalyticKernels.Compute(wide, new double[,] { { 1, 2, 3 } }).Nngp[0, 0], FewUlps);
    }

    [Fact]
    public void ImageInputKernelDividesByChannelsNotByAllFeatures()
    {
        // K⁰(p, p') = Σ_c x_c(p) x'_c(p') / C; flatten then dense(w=1,b=0) gives mean_p Σ_c x_c(p)² / C = ‖x‖²/(C·P).
        var arch = new ArchitectureSpec([2, 3], Parameterization.Ntk, [new FlattenLayer(), new DenseLayer(1, 1, 0)]);
        var x = new double[,] { { 1, 2, 3, 4, 5, 6 } };
        // A sum of 6 squares ≈ 15: ulp ≈ 1.8e-15, so 1e-13 absolute is ~50 ulps.
        Assert.Equal(91.0 / 6, AnalyticKernels.Compute(arch, x).Nngp[0, 0], 1e-13);
    }

    [Fact]
    public void AReluDiagonalComputedAsACrossPairEqualsTheSelfRun()
    {
        // x against a copy of itself: K⁰(x,x) from the GEMM differs from the self run's x·x/d in the last bits, which alone
        // would make θ ~ 1e-8 and K̇ off by ~1e-9; a discriminant below round-off counts as θ = 0, so the two agree to round-off.
        var (arch, x) = Network("relu-mlp", 40);
        var self = AnalyticKernels.Compute(arch, x);
        var cross = AnalyticKernels.Compute(arch, x, (double[,])x.Clone());
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(self.Nngp[i, i], cross.Nngp[i, i], 1e-14 * self.Nngp[i, i]);
            Assert.Equal(self.Ntk[i, i], cross.Ntk[i, i], 1e-14 * self.Ntk[i, i]);
        }
    }

    [Fact]
    public void RowBlocksComputedIntoReusedArraysEqualTheWholeKernel()
    {
        // 300 examples span two of the symmetric path's Gram blocks (256 rows each); blocks of 100 rows against all 300,
        // written into one reused pair of arrays left dirty (NaN) beforehand, equal the whole kernel's rows: the same per-pair
        // arithmetic with K⁰ from differently blocked dgemms, so 1e-13 relative.
        var (arch, x) = Network("erf-mlp", 300);
        var whole = AnalyticKernels.Compute(arch, x);
        var block = new KernelPair(new double[100, 300], new double[100, 300]);
        for (int start = 0; start < 300; start += 100)
        {
            foreach (var a in new[] { block.Nngp, block.Ntk })
                for (int i = 0; i < 100; i++) for (int j = 0; j < 300; j++) a[i, j] = double.NaN;
            AnalyticKernels.ComputeInto(block, arch, Rows(x, start, start + 100), x);
            for (int i = 0; i < 100; i++)
            for (int j = 0; j < 300; j++)
            {
                Assert.Equal(whole.Nngp[start + i, j], block.Nngp[i, j], 1e-13 * whole.Nngp[start + i, start + i]);
                Assert.Equal(whole.Ntk[start + i, j], block.Ntk[i, j], 1e-13 * whole.Ntk[start + i, start + i]);
            }
        }
        Assert.Throws<ArgumentException>(() => AnalyticKernels.ComputeInto(block, arch, Rows(x, 0, 99), x));

        // Against the first 150 examples only (x2Rows): columns 0–149 written, the rest left as they were.
        for (int i = 0; i < 100; i++) for (int j = 0; j < 300; j++) block.Ntk[i, j] = double.NaN;
        AnalyticKernels.ComputeInto(block, arch, Rows(x, 200, 300), x, x2Rows: 150);
        for (int i = 0; i < 100; i++)
        for (int j = 0; j < 300; j++)
        {
            if (j < 150) Assert.Equal(whole.Ntk[200 + i, j], block.Ntk[i, j], 1e-13 * whole.Ntk[200 + i, 200 + i]);
            else Assert.True(double.IsNaN(block.Ntk[i, j]));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => AnalyticKernels.ComputeInto(block, arch, Rows(x, 0, 100), x, x2Rows: 301));
    }

    [Fact]
    public void RejectsInputsOfTheWrongWidth()
    {
        var arch = Mlp([3], new DenseLayer(1, 1, 0));
        Assert.Throws<ArgumentException>(() => AnalyticKernels.Compute(arch, new double[2, 4]));
    }

    private static (ArchitectureSpec Arch, double[,] X) Network(string name, int n) => name switch
    {
        "relu-mlp" => (Mlp([6], new DenseLayer(8, 1.4, 0.1), new ActivationLayer(Activation.Relu), new DenseLayer(8, 1.4, 0.1),
            new ActivationLayer(Activation.Relu), new DenseLayer(1, 1, 0)), TestInputs.Uniform(n, 6, 11)),
        "erf-mlp" => (Mlp([6], new DenseLayer(8, 2.0, 0.3), new ActivationLayer(Activation.Erf), new DenseLayer(1, 1, 0.2)), TestInputs.Uniform(n, 6, 12)),
        "tanh-mlp" => (Mlp([6], new DenseLayer(8, 1.5, 0.1), new ActivationLayer(Activation.Tanh), new DenseLayer(1, 1, 0)), TestInputs.Uniform(n, 6, 13)),
        "cnn-same-flatten" => (new ArchitectureSpec([2, 4, 5], Parameterization.Ntk,
        [
            new ConvLayer(8, [3, 3], [1, 1], Padding.Same, 1.4, 0.1), new ActivationLayer(Activation.Relu),
            new ConvLayer(8, [2, 2], [1, 1], Padding.Same, 1.4, 0.1), new ActivationLayer(Activation.Erf),
            new FlattenLayer(), new DenseLayer(1, 1, 0),
        ]), TestInputs.Uniform(n, 40, 14)),
        "cnn-circular-gap" => (new ArchitectureSpec([2, 4, 5], Parameterization.Ntk,
        [
            new ConvLayer(8, [3, 3], [1, 1], Padding.Circular, 1.4, 0.1), new ActivationLayer(Activation.Relu),
            new ConvLayer(8, [3, 2], [1, 1], Padding.Circular, 1.4, 0.1), new ActivationLayer(Activation.Relu),
            new GlobalAvgPoolLayer(), new DenseLayer(8, 1.2, 0), new ActivationLayer(Activation.Relu), new DenseLayer(1, 1, 0),
        ]), TestInputs.Uniform(n, 40, 15)),
        "cnn1d-valid-stride" => (new ArchitectureSpec([3, 9], Parameterization.Ntk,
        [
            new ConvLayer(8, [3], [2], Padding.Valid, 1.4, 0.1), new ActivationLayer(Activation.Tanh),
            new ConvLayer(8, [2], [1], Padding.Same, 1.4, 0.1), new ActivationLayer(Activation.Relu),
            new GlobalAvgPoolLayer(), new DenseLayer(1, 1, 0),
        ]), TestInputs.Uniform(n, 27, 16)),
        _ => throw new ArgumentException(name),
    };

    private static ArchitectureSpec Mlp(int[] input, params Layer[] layers) => new(input, Parameterization.Ntk, layers);

    private static double[,] Rows(double[,] x, int start, int end)
    {
        var rows = new double[end - start, x.GetLength(1)];
        for (int i = start; i < end; i++)
        for (int f = 0; f < x.GetLength(1); f++)
            rows[i - start, f] = x[i, f];
        return rows;
    }

    private static void AssertClose(double[,] expected, double[,] actual, double relative)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
        for (int j = 0; j < expected.GetLength(1); j++)
            // 1e-300 is only a floor so that an expected 0 does not make the tolerance 0 (it demands exact 0 in practice).
            Assert.Equal(expected[i, j], actual[i, j], relative * Math.Max(Math.Abs(expected[i, j]), 1e-300) + 1e-300);
    }
}
