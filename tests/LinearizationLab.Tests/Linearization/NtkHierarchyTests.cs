using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

[Collection("TorchSharp")]
public class NtkHierarchyTests
{
    [Theory]
    [InlineData("erf", 2, 1, "ntk")]
    [InlineData("tanh", 1, 2, "standard")]
    [InlineData("relu", 2, 2, "ntk")]
    public void O3IsTheKernelsVelocityAlongEachOutputsGradient(string activation, int depth, int outputs, string parameterization)
    {
        // O₃_IJK = ∇Θ_IJ·∇f_K: the forward-mode derivative of the structured NTK (KernelVelocity) along a_K, computed by a
        // different route (Hessian-vector products contracted with gradients). Round-off only.
        var spec = Spec(Mlp(activation, depth, outputs, parameterization));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 5, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 3, 2);
        var y = Inputs(spec, 3, 3).narrow(1, 0, outputs);
        var hierarchy = NtkHierarchy.AtInitialization(network, x, y);
        int m = hierarchy.Size;
        var a = Gradients(network, x);
        double scale = Math.Sqrt(hierarchy.O3.Sum(v => v * v));
        for (int k = 0; k < m; k++)
        {
            var velocity = KernelVelocity.Along(network, network.Parameters, x, a[k]).contiguous().data<double>().ToArray();
            for (int ij = 0; ij < m * m; ij++)
                Assert.Equal(velocity[ij], hierarchy.O3[ij * m + k], 1e-11 * scale);
        }
    }

    [Theory]
    [InlineData("erf", 2, 2, "ntk")]
    [InlineData("relu", 1, 1, "standard")]
    [InlineData("cnn", 0, 2, "ntk")]
    public void HandWrittenJetsGiveAutogradsHessianProducts(string activation, int depth, int outputs, string parameterization)
    {
        // B_IK = H_I a_K two ways: reverse passes over the forward-mode tangent (autograd) and the gradient of the order-2 jet
        // coefficient f_2 = ½D²f[u, u] by the hand-written reverse pass. The same derivatives summed in another order.
        var spec = Spec(activation == "cnn"
            ? """{"input_shape":[2,5],"layers":[{"type":"conv","channels":3,"kernel":[3],"padding":"same","w_std":1.3,"b_std":0.2},{"type":"tanh"},{"type":"conv","channels":4,"kernel":[2],"stride":[2],"padding":"valid","w_std":1.2,"b_std":0.1},{"type":"erf"},{"type":"flatten"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.1}]}"""
            : Mlp(activation, depth, outputs, parameterization));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 6, TensorSettings.CpuFloat64);
        Assert.True(network.SupportsBackprop);
        var x = Inputs(spec, 3, 4);
        var theta = network.Parameters.Select(p => p.detach()).ToArray();
        var a = FlatGradients(network, x);
        var byAutograd = NtkHierarchy.HessianProductsByAutograd(network, theta, x, a);
        var byJets = NtkHierarchy.HessianProductsByJets(network, theta, x, a);
        double size = byAutograd.norm().ToDouble();
        Assert.True(size > 0);   // ReLU's φ″ = 0, but the products of weights across layers remain
        Assert.True((byJets - byAutograd).norm().ToDouble() <= 1e-12 * size, $"|ΔB| = {(byJets - byAutograd).norm().ToDouble():G3}, |B| = {size:G3}");
    }

    [Theory]
    [InlineData("erf", 2, 1, "ntk")]
    [InlineData("tanh", 3, 2, "standard")]
    [InlineData("relu", 2, 2, "ntk")]
    [InlineData("gelu", 1, 3, "ntk")]
    public void MixedPartialsGiveThePolarizedThirdDerivatives(string activation, int depth, int outputs, string parameterization)
    {
        // D³f_I[a_J, a_K, a_L] two ways: the mixed partials carried through the MLP, and polarization of order-3 jets (seven
        // cubic coefficients per triple, whose cancellation costs a few digits). Tolerance 1e-10 of the tensor's norm.
        var spec = Spec(Mlp(activation, depth, outputs, parameterization));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 8, TensorSettings.CpuFloat64);
        Assert.True(MixedPartials.Supports(network));
        var x = Inputs(spec, 3, 9);
        var theta = network.Parameters.Select(p => p.detach()).ToArray();
        var a = FlatGradients(network, x);
        int m = (int)a.shape[0];
        var carried = MixedPartials.ThirdDerivatives(network, theta, x, a);
        var polarized = NtkHierarchy.ThirdDerivativesByPolarization(network, theta, x, a, m);
        double size = polarized.norm().ToDouble();
        Assert.True(size > 0);   // ReLU's φ″ = φ‴ = 0, but products of weights across layers remain
        Assert.True((carried - polarized).norm().ToDouble() <= 1e-10 * size, $"|ΔT| = {(carried - polarized).norm().ToDouble():G3}, |T| = {size:G3}");
    }

    [Fact]
    public void O4IsTheSlopeOfO3AlongEachOutputsGradient()
    {
        // Against central differences of O₃ (test only): step 1e-4 leaves truncation ε²·O₆/6 ≈ 1e-8 relative for this smooth
        // network and round-off ≈ 1e-16/ε ≈ 1e-12. Tolerance 1e-6 of O₄'s norm.
        var spec = Spec(Mlp("erf", 2, 1));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 3, 6);
        var y = Inputs(spec, 3, 7).narrow(1, 0, 1);
        var hierarchy = NtkHierarchy.AtInitialization(network, x, y);
        int m = hierarchy.Size;
        var a = Gradients(network, x);
        const double Eps = 1e-4;
        double scale = Math.Sqrt(hierarchy.O4.Sum(v => v * v));
        for (int l = 0; l < m; l++)
        {
            double[] Shifted(double s)
            {
                using var noGrad = no_grad();
                foreach (var (p, d) in network.Parameters.Zip(a[l])) p.add_(d * s);
                var o3 = NtkHierarchy.AtInitialization(network, x, y).O3;
                foreach (var (p, d) in network.Parameters.Zip(a[l])) p.sub_(d * s);
                return o3;
            }
            var plus = Shifted(Eps);
            var minus = Shifted(-Eps);
            for (int ijk = 0; ijk < m * m * m; ijk++)
                Assert.Equal((plus[ijk] - minus[ijk]) / (2 * Eps), hierarchy.O4[ijk * m + l], 1e-6 * scale);
        }
    }

    [Fact]
    public void ForANetworkAffineInItsParametersTheHierarchyIsTheLinearFlow()
    {
        // One dense layer: f is affine in θ, so O₃ = O₄ = 0 and ε(τ) = exp(−Θτ/N)·ε(0), here checked against the network's
        // own gradient descent at a tiny rate (Euler steps of the same flow: O(η) apart), and the hierarchy's GD prediction
        // is the network's GD to round-off.
        var spec = Spec("""{"input_shape":[4],"layers":[{"type":"dense","width":2,"w_std":1.3,"b_std":0.4}]}""");
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 6, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 4, 3);
        var y = Inputs(spec, 4, 4).narrow(1, 0, 2);
        var hierarchy = NtkHierarchy.AtInitialization(network, x, y);
        Assert.All(hierarchy.O3, v => Assert.Equal(0, v));
        Assert.All(hierarchy.O4, v => Assert.Equal(0, v));
        const double Rate = 1e-3;
        const int Steps = 2000;
        var (_, residual, _) = hierarchy.Integrate([Rate * Steps], 0.01)[0];
        var (_, gdResidual, _) = hierarchy.GradientDescent(Rate, [Steps])[0];
        using var data = LinearizedNetworkTests.TrainingDataOf(x, y);
        new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(Rate), Steps, [Steps], 0)).Train(network, data);
        using var noGrad = no_grad();
        var trained = (network.Forward(x) - y).reshape(-1).data<double>().ToArray();
        for (int i = 0; i < residual.Length; i++)
        {
            // The flow is O(η) from GD; the GD prediction (flow + the linear model's GD-vs-flow difference) is GD itself here.
            Assert.Equal(trained[i], residual[i], 1e-3 * Math.Abs(hierarchy.InitialResidual[i]) + 1e-6);
            Assert.Equal(trained[i], gdResidual[i], 1e-10);
        }
    }

    /// <summary>The rows a_I = ∇_θ f_I as one flat vector each, [M, P], in θ's order.</summary>
    private static Tensor FlatGradients(Network network, Tensor x) =>
        stack(Gradients(network, x).Select(g => cat(g.Select(t => t.flatten()).ToArray())).ToArray());

    /// <summary>∇_θ f_I for every training output I = example·O + output, shaped like θ.</summary>
    private static Tensor[][] Gradients(Network network, Tensor x)
    {
        using var grad = enable_grad();
        var leaves = network.Parameters.Select(p => p.detach().requires_grad_(true)).ToArray();
        var f = network.Forward(x, leaves).reshape(-1);
        return Enumerable.Range(0, (int)f.shape[0])
            .Select(i => autograd.grad([f[i]], leaves, retain_graph: true, allow_unused: true)
                .Select((g, j) => g is { IsInvalid: false } ? g.detach() : zeros_like(leaves[j])).ToArray()).ToArray();
    }
}
