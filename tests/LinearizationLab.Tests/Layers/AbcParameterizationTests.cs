using LinearizationLab.Architecture;
using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

public class AbcParameterizationTests
{
    private const int BaseWidth = 64, D = 8;
    private const double WStd = 1.5, BStd = 0.5;

    private static ArchitectureSpec Mlp(string parameterization, int width, int hidden = 2, int outputs = 1, bool adam = false) => Arch.Parse($$"""
        {"input_shape":[{{D}}],"parameterization":"{{parameterization}}","base_width":{{BaseWidth}},"layers":[
          {{string.Join(",", Enumerable.Repeat($$"""{"type":"dense","width":{{width}},"w_std":{{WStd}},"b_std":{{BStd}}},{"type":"relu"}""", hidden))}},
          {"type":"dense","width":{{outputs}},"w_std":{{WStd}},"b_std":{{BStd}}}]}
        """).ForOptimizer(adam);

    /// <summary>(multiplier, init std, learning-rate factor) of each tensor in order W1, b1, W2, b2, …, from the layers' scalings.</summary>
    private static (double Multiplier, double Std, double Rate)[] Tensors(ArchitectureSpec spec)
    {
        var rows = new List<(double, double, double)>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not AffineLayer layer) continue;
            var s = layer.Scaling(spec.ContextOf(i));
            rows.Add((s.WeightMultiplier, s.WeightInitStd, s.WeightRate));
            rows.Add((s.BiasMultiplier, s.BiasInitStd, s.BiasRate));
        }
        Assert.Equal(rows.Select(r => r.Item3), spec.LearningRateScales);
        return rows.ToArray();
    }

    /// <summary>
    /// Tensor Programs V, Table 3 (μP, relative to SP with fan_in = n at hidden and output weights): input weights and all
    /// biases of growing size keep SP's init and take η·m under SGD, η under Adam; hidden weights keep SP's init and take η under
    /// SGD, η/m under Adam; the readout's init variance is 1/(fan_in·m) and its rate η/m under both; the readout's bias is SP.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MupFollowsTable3AtTwoWidths(bool adam)
    {
        foreach (int width in new[] { BaseWidth, 4 * BaseWidth })
        {
            double m = (double)width / BaseWidth;
            var t = Tensors(Mlp("mup", width, adam: adam));
            double vector = adam ? 1 : m, hidden = adam ? 1 / m : 1;
            // Exact in float64 up to the one rounding of each product and power.
            const double tol = 1e-14;
            AssertTensor(t[0], 1, WStd / Math.Sqrt(D), vector, tol);               // input W
            AssertTensor(t[1], 1, BStd, vector, tol);                              // input b
            AssertTensor(t[2], 1, WStd / Math.Sqrt(width), hidden, tol);          // hidden W
            AssertTensor(t[3], 1, BStd, vector, tol);                              // hidden b
            AssertTensor(t[4], 1, WStd / Math.Sqrt(width) / Math.Sqrt(m), 1 / m, tol); // readout W
            AssertTensor(t[5], 1, BStd, 1, tol);                                   // readout b
        }
    }

    /// <summary>The mup package's form: MuReadout divides by m with init variance ×m; MuSGD gives it η·m, MuAdam η.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MupMultiplierIsTheMupPackagesReadoutAtTwoWidths(bool adam)
    {
        foreach (int width in new[] { BaseWidth, 2 * BaseWidth })
        {
            double m = (double)width / BaseWidth;
            var t = Tensors(Mlp("mup_multiplier", width, adam: adam));
            AssertTensor(t[4], 1 / m, WStd / Math.Sqrt(width) * Math.Sqrt(m), adam ? 1 : m, 1e-14);
            AssertTensor(t[2], 1, WStd / Math.Sqrt(width), adam ? 1 / m : 1, 1e-14);
        }
    }

    /// <summary>Mean field at base width 1: f = (1/n)·Σ v_i φ(u_i·x + b_i), v ~ N(0, w_std²), every rate η·n under SGD.</summary>
    [Fact]
    public void MeanFieldWithBaseWidthOneIsTheTextbookScaling()
    {
        const int n = 300;
        var spec = Arch.Parse($$"""
            {"input_shape":[{{D}}],"parameterization":"mean_field","base_width":1,"layers":[
              {"type":"dense","width":{{n}},"w_std":{{WStd}},"b_std":{{BStd}}},{"type":"tanh"},{"type":"dense","width":1,"w_std":{{WStd}}}]}
            """);
        var t = Tensors(spec);
        AssertTensor(t[0], 1, WStd / Math.Sqrt(D), n, 1e-12);
        AssertTensor(t[1], 1, BStd, n, 1e-12);
        AssertTensor(t[2], 1.0 / n, WStd, n, 1e-12);
    }

    /// <summary>NTK and standard parameterization, with or without a base width, have no factors at any width.</summary>
    [Theory]
    [InlineData("ntk")]
    [InlineData("standard")]
    public void KernelParameterizationsHaveNoFactors(string name)
    {
        foreach (int width in new[] { BaseWidth, 8 * BaseWidth })
        {
            var spec = Mlp(name, width);
            Assert.True(spec.HasAnalyticKernels);
            Assert.False(spec.HasLayerLearningRates);
            var plain = Arch.Mlp(D, [width, width], 1, parameterization: name, wStd: WStd, bStd: BStd);
            Assert.Equal(Tensors(plain), Tensors(spec));
        }
    }

    /// <summary>A network draws W = σ_W·N(0, 1) entry by entry: its sample std matches the table within sampling error.</summary>
    [Fact]
    public void DrawnWeightsHaveTheTablesDeviation()
    {
        const int width = 4 * BaseWidth;
        var spec = Mlp("mup", width);
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        var readout = network.Parameters[4];
        double expected = WStd / Math.Sqrt(width) / 2;   // m = 4: variance ×1/4
        // The sample std of k = 256 draws has relative standard error 1/√(2k) ≈ 0.044; 4 standard errors.
        Assert.InRange(readout.std().item<double>() / expected, 1 - 4 * 0.044, 1 + 4 * 0.044);
    }

    /// <summary>
    /// The abc symmetry (Yang &amp; Hu 2021): Table 3's μP and the mup package's multiplier form are the same function and the
    /// same SGD trajectory, up to round-off; and mean field is μP for one hidden layer.
    /// </summary>
    [Theory]
    [InlineData("mup", "mup_multiplier", 2)]
    [InlineData("mup", "mean_field", 1)]
    public void EquivalentFormsTrainTheSameUnderSgd(string first, string second, int hidden)
    {
        const int width = 4 * BaseWidth;
        var x = randn(16, D, dtype: ScalarType.Float64, generator: new Generator(5));
        var y = randn(16, 1, dtype: ScalarType.Float64, generator: new Generator(6));
        var a = Train(Mlp(first, width, hidden), x, y, new OptimizerSpec(0.05), 10);
        var b = Train(Mlp(second, width, hidden), x, y, new OptimizerSpec(0.05), 10);
        // Same standard normal draws scaled differently; ten steps of round-off in float64.
        MatrixAssert.Close(a, b, 1e-11);
    }

    /// <summary>Under Adam the two forms differ only through ε, which sees gradients scaled by m: 1e-12 apart with ε = 1e-16.</summary>
    [Fact]
    public void EquivalentFormsTrainTheSameUnderAdam()
    {
        const int width = 4 * BaseWidth;
        var x = randn(16, D, dtype: ScalarType.Float64, generator: new Generator(5));
        var y = randn(16, 1, dtype: ScalarType.Float64, generator: new Generator(6));
        var adam = new OptimizerSpec(0.01) { Adam = new AdamMoments(Epsilon: 1e-16) };
        var a = Train(Mlp("mup", width, adam: true), x, y, adam, 10);
        var b = Train(Mlp("mup_multiplier", width, adam: true), x, y, adam, 10);
        MatrixAssert.Close(a, b, 1e-9);
    }

    /// <summary>
    /// The NTK with learning-rate factors r is the kernel of the training dynamics: one GD step of the linearization (exact for
    /// a linear model) moves its outputs by −η·Θ̂·∂L/∂f with Θ̂ = J·diag(r)·Jᵀ; the three NTK methods agree on it.
    /// </summary>
    [Fact]
    public void KernelWithRatesDrivesTheLinearizedStep()
    {
        var spec = Mlp("mup", 2 * BaseWidth, outputs: 2);
        using var network = Network.Create(spec, 1, TensorSettings.CpuFloat64);
        Assert.NotNull(network.LearningRateScales);
        var x = randn(6, D, dtype: ScalarType.Float64, generator: new Generator(2));
        var y = randn(6, 2, dtype: ScalarType.Float64, generator: new Generator(3));
        var ntk = new EmpiricalNtk(network);
        var structured = ntk.Compute(x, null, NtkMethod.Structured).Full;
        MatrixAssert.Close(structured, ntk.Compute(x, null, NtkMethod.Jacobian).Full, 1e-10);
        MatrixAssert.Close(structured, ntk.Compute(x, null, NtkMethod.Ntvp).Full, 1e-10);

        using var linearized = new LinearizedNetwork(network);
        const double eta = 0.3;
        var before = linearized.Forward(x).detach().clone();
        var grad = (before - y) / before.numel();   // ∂(½·mean (f − y)²)/∂f
        Train(linearized, x, y, new OptimizerSpec(eta), 1);
        var after = linearized.Forward(x).detach();
        var predicted = before - eta * tensor(structured, ScalarType.Float64).matmul(grad.reshape(-1)).reshape(6, 2);
        MatrixAssert.Close(Matrix(predicted), Matrix(after), 1e-10);
    }

    /// <summary>With per-layer rates the first-order Taylor model is still the linearization: same kernel, same trajectory.</summary>
    [Fact]
    public void TaylorModelOfOrderOneTrainsAsTheLinearization()
    {
        var spec = Mlp("mup", 2 * BaseWidth, outputs: 2);
        using var network = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        var x = randn(6, D, dtype: ScalarType.Float64, generator: new Generator(7));
        var y = randn(6, 2, dtype: ScalarType.Float64, generator: new Generator(8));
        using var taylor = new TaylorizedNetwork(network, 1);
        using var linearized = new LinearizedNetwork(network);
        MatrixAssert.Close(new EmpiricalNtk(network).Compute(x, null, NtkMethod.Structured).Full, KernelTensors.ToMatrix(taylor.Ntk(x)), 1e-12);
        Train(taylor, x, y, new OptimizerSpec(0.2), 5);
        Train(linearized, x, y, new OptimizerSpec(0.2), 5);
        using var noGrad = no_grad();
        MatrixAssert.Close(Matrix(linearized.Forward(x)), Matrix(taylor.Forward(x)), 1e-10);
    }

    /// <summary>Width exponents leave the stax recursions: the analytic kernels refuse such an arch and say why; ntk keeps them.</summary>
    [Fact]
    public void AnalyticKernelsExistOnlyWithoutWidthExponents()
    {
        var x = new double[,] { { 1, 0, 0, 0, 0, 0, 0, 0 } };
        Assert.Null(Mlp("ntk", 4 * BaseWidth).NoAnalyticKernelsReason);
        Assert.Equal(1, LinearizationLab.Analytic.AnalyticKernels.Compute(Mlp("ntk", 4 * BaseWidth), x).Ntk.GetLength(0));
        var mup = Mlp("mup", 4 * BaseWidth);
        Assert.False(mup.HasAnalyticKernels);
        var e = Assert.Throws<ArgumentException>(() => LinearizationLab.Analytic.AnalyticKernels.Compute(mup, x));
        Assert.Contains("mup has width exponents", e.Message);
    }

    private static void AssertTensor((double Multiplier, double Std, double Rate) actual, double multiplier, double std, double rate, double tol)
    {
        Assert.Equal(multiplier, actual.Multiplier, tol);
        Assert.Equal(std, actual.Std, tol);
        Assert.Equal(rate, actual.Rate, tol * Math.Max(1, rate));
    }

    private static double[,] Train(ArchitectureSpec spec, Tensor x, Tensor y, OptimizerSpec optimizer, int steps)
    {
        using var network = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        Train(network, x, y, optimizer, steps);
        using var noGrad = no_grad();
        return Matrix(network.Forward(x));
    }

    /// <summary>Steps of ½·mean (f − y)² through autograd and the optimizer with the model's learning-rate factors.</summary>
    private static void Train(ITrainableModel model, Tensor x, Tensor y, OptimizerSpec optimizer, int steps)
    {
        using var step = optimizer.Create(model.Parameters, model.ParametersAtZero, model.LearningRateScales);
        for (int t = 0; t < steps; t++)
        {
            using var scope = NewDisposeScope();
            var loss = (model.Forward(x) - y).pow(2).mean() / 2;
            loss.backward();
            step.Step();
        }
    }

    private static double[,] Matrix(Tensor t)
    {
        var values = t.contiguous().data<double>().ToArray();
        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) m[i, j] = values[i * cols + j];
        return m;
    }
}
