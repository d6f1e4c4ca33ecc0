using LinearizationLab.Architecture;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Tests.Linearization;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Layers;

/// <summary>
/// Checks of a network's hand-written passes (forward/backprop, tangent, jet and its transpose) against autograd and
/// forward mode, at parameters moved away from θ0 so that gains, biases and every weight take generic values.
/// </summary>
internal static class HandWrittenPasses
{
    /// <summary>A float64 network of <paramref name="spec"/> from <paramref name="seed"/>, every parameter moved by 0.3·N(0, 1).</summary>
    public static Network Perturbed(ArchitectureSpec spec, int seed)
    {
        var network = Network.Create(spec, seed, TensorSettings.CpuFloat64);
        using var noGrad = no_grad();
        foreach (var (p, d) in network.Parameters.Zip(TaylorizedNetworkTests.Direction(network, (ulong)seed + 100))) p.add_(d * 0.3);
        return network;
    }

    /// <summary>The largest deviation of the hand-written gradients of ½·mean MSE from autograd's, relative to 1 + max|∇|.</summary>
    public static double BackpropGap(ArchitectureSpec spec)
    {
        using var scope = NewDisposeScope();
        using var network = Perturbed(spec, 3);
        var x = NtkTestNetworks.Inputs(spec, 6, 4);
        var y = NtkTestNetworks.Inputs(spec, 6, 5).flatten(1).narrow(1, 0, spec.OutputCount);
        var loss = new MeanSquaredError();
        var expected = autograd.grad([loss.Value(network.Forward(x), y, null)], network.Parameters.ToArray()).Select(g => g.detach()).ToArray();
        var sink = new RecordingSink(network.Parameters);
        using var noGrad = no_grad();
        var f = network.ForwardForBackprop(x, sameBatch: false);
        double gap = (f - network.Forward(x)).abs().max().ToDouble();
        network.Backprop(loss.OutputGradient(f, y, null), sink);
        for (int i = 0; i < expected.Length; i++)
            gap = Math.Max(gap, (sink.Gradients[i] - expected[i]).abs().max().ToDouble() / (1 + expected[i].abs().max().ToDouble()));
        return gap;
    }

    /// <summary>max|TangentInto − Jvp| / (1 + max|Jvp|) along a random direction in parameter space.</summary>
    public static double TangentGap(ArchitectureSpec spec)
    {
        using var scope = NewDisposeScope();
        using var network = Perturbed(spec, 7);
        var direction = TaylorizedNetworkTests.Direction(network, 8);
        var x = NtkTestNetworks.Inputs(spec, 5, 9);
        using var point = new BackpropWorkspace(network.Layers.Count);
        using var tangents = new BackpropWorkspace(network.Layers.Count);
        using var noGrad = no_grad();
        var (_, jvp) = network.Jvp(x, network.Parameters, direction);
        network.ForwardInto(x, network.Parameters, point);
        var tangent = network.TangentInto(point, network.Parameters, direction, tangents);
        return (tangent - jvp).abs().max().ToDouble() / (1 + jvp.abs().max().ToDouble());
    }

    /// <summary>
    /// The Taylor model of <paramref name="order"/> at a displacement of order 1: the relative gaps of the stacked
    /// hand-written jet's output from <see cref="Network.Jet"/>'s, and of its transpose's gradients from autograd's through
    /// the jet, for a new batch and again through the cached point.
    /// </summary>
    public static double JetGap(ArchitectureSpec spec, int order)
    {
        using var scope = NewDisposeScope();
        using var network = Perturbed(spec, 6);
        using var taylor = new TaylorizedNetwork(network, order);
        using (var noGrad = no_grad())
            foreach (var (d, u) in taylor.Parameters.Zip(TaylorizedNetworkTests.Direction(network, 4))) d.copy_(u * 0.3);
        var x = NtkTestNetworks.Inputs(spec, 5, 8);
        using var gen = new Generator(2);
        var delta = randn([5, spec.OutputCount], ScalarType.Float64, CPU, generator: gen);
        Tensor f;
        Tensor[] expected;
        using (var grad = enable_grad())
        {
            f = taylor.Forward(x);
            expected = autograd.grad([(f * delta).sum()], taylor.Parameters.ToArray()).Select(t => t.detach()).ToArray();
        }
        double gap = 0;
        foreach (bool sameBatch in new[] { false, true })
        {
            var sink = new RecordingSink(taylor.Parameters);
            using var noGrad = no_grad();
            var handWritten = taylor.ForwardForBackprop(x, sameBatch);
            gap = Math.Max(gap, (handWritten - f).norm().ToDouble() / f.norm().ToDouble());
            taylor.Backprop(delta.clone(), sink);
            for (int i = 0; i < expected.Length; i++)
                gap = Math.Max(gap, (sink.Gradients[i] - expected[i]).norm().ToDouble() / (expected[i].norm().ToDouble() + 1e-300));
        }
        return gap;
    }

    /// <summary>Accumulates the gradients a hand-written reverse pass hands over, without updating anything.</summary>
    /// <summary>
    /// The normalized Taylor coefficients (1/j!)·dʲy/dsʲ at s = 0, j = 1…3, of y(s) = <paramref name="output"/>(s) (a tensor of
    /// <paramref name="shape"/>), by autograd differentiating three times in s, one output entry at a time: the oracle that
    /// hand-written jets are held to.
    /// </summary>
    public static Tensor[] RayDerivatives(long[] shape, Func<Tensor, Tensor> output)
    {
        var derivatives = Enumerable.Range(0, 3).Select(_ => zeros(shape, ScalarType.Float64)).ToArray();
        var flat = derivatives.Select(d => d.view(-1)).ToArray();
        for (long e = 0; e < flat[0].shape[0]; e++)
        {
            using var entryScope = NewDisposeScope();
            using var grad = enable_grad();
            var s = zeros([1], ScalarType.Float64).requires_grad_(true);
            var y = output(s).view(-1)[e];
            var d1 = autograd.grad([y], [s], retain_graph: true, create_graph: true)[0];
            var d2 = autograd.grad([d1], [s], retain_graph: true, create_graph: true)[0];
            var d3 = autograd.grad([d2], [s])[0];
            using var noGrad = no_grad();
            flat[0][e] = d1.detach()[0];
            flat[1][e] = d2.detach()[0] / 2;
            flat[2][e] = d3.detach()[0] / 6;
        }
        return derivatives;
    }

    private sealed class RecordingSink(IReadOnlyList<Tensor> parameters) : IGradientSink
    {
        public Tensor[] Gradients { get; } = parameters.Select(p => zeros_like(p).detach()).ToArray();

        public void AddProduct(int index, Tensor delta, Tensor input, double c) => Gradients[index].add_((delta.t().matmul(input) * c).view(Gradients[index].shape));

        public void Add(int index, Tensor gradient, double c) => Gradients[index].add_(gradient * c);
    }
}
