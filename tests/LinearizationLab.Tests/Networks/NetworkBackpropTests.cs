using LinearizationLab.Layers;
using LinearizationLab.Architecture;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Tests.Linearization;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Networks;

/// <summary>
/// The hand-written passes of fused training (<see cref="Network.ForwardInto"/>, the reverse pass into an
/// <see cref="IGradientSink"/>, <see cref="Network.TangentInto"/>) against autograd and forward-mode JVP, and fused
/// optimizer updates against the autograd path of the <see cref="Trainer"/>.
/// </summary>
[Collection("TorchSharp")]
public class NetworkBackpropTests
{
    public static TheoryData<string, string> Networks()
    {
        var data = new TheoryData<string, string>();
        foreach (var activation in new[] { "relu", "erf", "tanh", "identity" })
        foreach (var parameterization in new[] { "ntk", "standard" })
            data.Add(activation, parameterization);
        return data;
    }

    /// <summary>An MLP whose input is [1, 2, 3] images flattened first, so flatten is covered too.</summary>
    private static ArchitectureSpec Flattening(string activation, string parameterization) => NtkTestNetworks.Spec($$"""
        {"input_shape":[1,2,3],"parameterization":"{{parameterization}}","layers":[{"type":"flatten"},
          {"type":"dense","width":9,"w_std":1.4,"b_std":0.3},{"type":"{{activation}}"},
          {"type":"dense","width":7,"w_std":1.3,"b_std":0.2},{"type":"{{activation}}"},
          {"type":"dense","width":3,"w_std":1.1,"b_std":0.4}]}
        """);

    /// <summary>The MLPs built from blocks (residual, parallel sum and concatenation, repeat, serial).</summary>
    public static TheoryData<int> BlockNetworks() => new(Enumerable.Range(0, NtkTestNetworks.BlockMlps.Length));

    [Theory]
    [MemberData(nameof(Networks))]
    public void BackpropGivesAutogradsGradients(string activation, string parameterization) =>
        AssertBackpropGivesAutogradsGradients(Flattening(activation, parameterization));

    [Theory]
    [MemberData(nameof(BlockNetworks))]
    public void BlocksBackpropGiveAutogradsGradients(int index)
    {
        var spec = NtkTestNetworks.Spec(NtkTestNetworks.BlockMlps[index]);
        Assert.True(spec.Layers.All(l => l.SupportsBackprop));   // a residual MLP must not fall back to autograd
        AssertBackpropGivesAutogradsGradients(spec);
    }

    private static void AssertBackpropGivesAutogradsGradients(ArchitectureSpec spec)
    {
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 3, TensorSettings.CpuFloat64);
        var x = NtkTestNetworks.Inputs(spec, 6, 4);
        var y = NtkTestNetworks.Inputs(spec, 6, 5).flatten(1).narrow(1, 0, spec.OutputCount);
        var loss = new MeanSquaredError();
        loss.Value(network.Forward(x), y, null).backward();

        using var sink = new GradientAccumulator(network.Parameters);
        using (no_grad())
        {
            var f = network.ForwardForBackprop(x, sameBatch: false);
            Assert.True((f - network.Forward(x)).abs().max().ToDouble() < 1e-13);   // the same function, other rounding
            network.Backprop(loss.OutputGradient(f, y, null), sink);
        }
        for (int i = 0; i < network.Parameters.Count; i++)
        {
            var autograd = network.Parameters[i].grad!;
            // Both are sums of the same products in float64; they differ by round-off only.
            Assert.True((sink.Gradients[i]! - autograd).abs().max().ToDouble() <= 1e-12 * (1 + autograd.abs().max().ToDouble()),
                $"parameter {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TangentPassIsTheForwardModeJvp(string activation, string parameterization) =>
        AssertTangentPassIsTheForwardModeJvp(Flattening(activation, parameterization));

    [Theory]
    [MemberData(nameof(BlockNetworks))]
    public void BlocksTangentPassIsTheForwardModeJvp(int index) =>
        AssertTangentPassIsTheForwardModeJvp(NtkTestNetworks.Spec(NtkTestNetworks.BlockMlps[index]));

    private static void AssertTangentPassIsTheForwardModeJvp(ArchitectureSpec spec)
    {
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 7, TensorSettings.CpuFloat64);
        using var direction = Network.Create(spec, 8, TensorSettings.CpuFloat64);
        var x = NtkTestNetworks.Inputs(spec, 5, 9);
        using var point = new BackpropWorkspace(network.Layers.Count);
        using var tangents = new BackpropWorkspace(network.Layers.Count);
        using var noGrad = no_grad();
        var (_, jvp) = network.Jvp(x, network.Parameters, direction.Parameters);
        network.ForwardInto(x, network.Parameters, point);
        var tangent = network.TangentInto(point, network.Parameters, direction.Parameters, tangents);
        // The same products and sums in float64 as autograd's forward mode, in another order: round-off only.
        Assert.True((tangent - jvp).abs().max().ToDouble() <= 1e-12 * (1 + jvp.abs().max().ToDouble()));
    }

    public static TheoryData<string, double, bool, int?> Optimizers() => new()
    {
        { "mse", 0.0, false, null },
        { "mse", 0.9, false, null },
        { "mse", 0.9, true, null },
        { "mse", 0.5, false, 4 },
        { "cross_entropy", 0.0, false, null },
        { "cross_entropy", 0.9, true, 4 },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void FusedUpdatesFollowTheAutogradIterates(string lossName, double momentum, bool nesterov, int? batchSize)
    {
        var spec = Arch.Mlp(4, [16, 16], 3, "erf", wStd: 1.4, bStd: 0.2);
        using var scope = NewDisposeScope();
        using var fused = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        using var plain = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        using var data = ClassData(spec, 10);
        var options = new TrainingOptions(Loss.FromName(lossName), new OptimizerSpec(0.4, momentum, nesterov, batchSize), 40, [40], 2);
        new Trainer(options).Train(fused, data);
        new Trainer(options).Train(new AutogradOnly(plain), data);
        // 40 steps of the same updates in float64, rounded differently: agreement to round-off.
        for (int i = 0; i < fused.Parameters.Count; i++)
            Assert.True((fused.Parameters[i] - plain.Parameters[i]).abs().max().ToDouble() < 1e-12, $"parameter {i}");
    }

    [Fact]
    public void ANetworkOfBlocksTrainsByHandAsThroughAutograd()
    {
        var spec = NtkTestNetworks.Spec(NtkTestNetworks.BlockMlps[2].Replace("\"input_shape\":[5]", "\"input_shape\":[4]"));
        using var scope = NewDisposeScope();
        using var fused = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        using var plain = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        using var data = ClassData(spec, 10);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.3, 0.9, true, 4), 30, [30], 2);
        new Trainer(options).Train(fused, data);
        new Trainer(options).Train(new AutogradOnly(plain), data);
        // 30 steps of the same updates in float64, rounded differently: agreement to round-off.
        for (int i = 0; i < fused.Parameters.Count; i++)
            Assert.True((fused.Parameters[i] - plain.Parameters[i]).abs().max().ToDouble() < 1e-12, $"parameter {i}");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(4, false)]
    [InlineData(4, true)]
    public void TheLinearizationTrainsByHandAsThroughAutograd(int? batchSize, bool residual)
    {
        var spec = residual ? NtkTestNetworks.Spec(NtkTestNetworks.BlockMlps[0].Replace("\"input_shape\":[5]", "\"input_shape\":[4]"))
            : Arch.Mlp(4, [16, 16], 3, "tanh", wStd: 1.4, bStd: 0.2);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 12, TensorSettings.CpuFloat64);
        using var fused = new LinearizedNetwork(network);
        using var plain = new LinearizedNetwork(network);
        using var data = ClassData(spec, 10);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.5, 0.5, false, batchSize), 30, [30], 3);
        var fusedResult = new Trainer(options).Train(fused, data);
        var plainResult = new Trainer(options).Train(new AutogradOnly(plain), data);
        // Minibatches change the examples every step, so the cached pass at θ0 must follow them. 30 steps of the same
        // float64 updates on O(1) values, rounded differently: agreement to round-off (1e-12 absolute).
        Assert.Equal(plainResult.Checkpoints[^1].TrainLoss, fusedResult.Checkpoints[^1].TrainLoss, 1e-12);
        for (int i = 0; i < fused.Parameters.Count; i++)
            Assert.True((fused.Parameters[i] - plain.Parameters[i]).abs().max().ToDouble() < 1e-12, $"parameter {i}");
        Assert.Contains(fused.Parameters, p => p.abs().max().ToDouble() > 1e-3);   // it did move away from θ0
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.9, true)]
    public void ACnnTrainsThroughAutogradAndItsLinearizationByHandAsThroughAutograd(double momentum, bool nesterov)
    {
        // cnn-fashion's layers (SAME, then SAME at stride 2, flatten, dense) at a small size. The network's step takes
        // autograd (libtorch's convolutions are faster, ConvLayer.TrainsByHand); its linearization's step the hand-written
        // tangent passes and their transpose.
        var spec = NtkTestNetworks.Spec("""
            {"input_shape":[1,7,7],"layers":[{"type":"conv","channels":6,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
              {"type":"conv","channels":6,"kernel":[3,3],"stride":2,"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
              {"type":"flatten"},{"type":"dense","width":3,"w_std":1.0}]}
            """);
        using var scope = NewDisposeScope();
        using var fused = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        using var plain = Network.Create(spec, 11, TensorSettings.CpuFloat64);
        Assert.True(fused.SupportsBackprop);
        Assert.False(fused.TrainsByHand);
        var x = NtkTestNetworks.Inputs(spec, 8, 3);
        var y = NtkTestNetworks.Inputs(spec, 8, 4).flatten(1).narrow(1, 0, 3);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, y);
        var options = new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.5, momentum, nesterov), 10, [10], 2);
        using var linFused = new LinearizedNetwork(fused);
        using var linPlain = new LinearizedNetwork(fused);
        Assert.True(linFused.TrainsByHand);
        new Trainer(options).Train(linFused, data);
        new Trainer(options).Train(new AutogradOnly(linPlain), data);
        new Trainer(options).Train(fused, data);
        new Trainer(options).Train(new AutogradOnly(plain), data);
        // 10 steps of the same float64 updates, rounded differently: agreement to round-off relative to each tensor's scale.
        foreach (var (a, b) in fused.Parameters.Zip(plain.Parameters).Concat(linFused.Parameters.Zip(linPlain.Parameters)))
            Assert.True((a - b).abs().max().ToDouble() <= 1e-12 * (1 + b.abs().max().ToDouble()));
        Assert.Contains(linFused.Parameters, p => p.abs().max().ToDouble() > 1e-3);   // the linearization moved away from θ0
    }

    /// <summary>10 inputs from a generator, one-hot targets of the largest of the first O features.</summary>
    private static TrainingData ClassData(ArchitectureSpec spec, int n)
    {
        var random = new Random(5);
        var x = Enumerable.Range(0, n * spec.InputShape[0]).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        int o = spec.OutputCount;
        var labels = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, o).MaxBy(k => x[i * spec.InputShape[0] + k])).ToArray();
        var y = labels.SelectMany(l => Enumerable.Range(0, o).Select(k => k == l ? 1.0 : 0.0)).ToArray();
        return TrainingData.From(new LinearizationLab.Data.Dataset(x, [spec.InputShape[0]], y, o, labels), null, TensorSettings.CpuFloat64);
    }

    /// <summary>The same model seen only as an <see cref="ITrainableModel"/>, so the trainer takes the autograd path.</summary>
    private sealed class AutogradOnly(ITrainableModel model) : ITrainableModel
    {
        public IReadOnlyList<Tensor> Parameters => model.Parameters;

        public Tensor Forward(Tensor x) => model.Forward(x);
    }
}
