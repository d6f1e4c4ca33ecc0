using LinearizationLab.Empirical;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Empirical;
using LinearizationLab.Training;
using TorchSharp;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Linearization;

[Collection("TorchSharp")]
public class KernelVelocityTests
{
    [Theory]
    [MemberData(nameof(EmpiricalNtkTests.Mlps), MemberType = typeof(EmpiricalNtkTests))]
    [MemberData(nameof(EmpiricalNtkTests.Cnns), MemberType = typeof(EmpiricalNtkTests))]
    public void TheVelocityIsTheSlopeOfTheKernelAlongTheDirection(string json)
    {
        // Against central differences of the structured NTK (the only place a difference of kernels is used). ReLU's kernel
        // jumps where a pre-activation crosses 0, so the step must be small enough that none does between θ − εv and θ + εv:
        // at ε = 1e-4 two of the deep standard-parameterization ReLU nets here cross a kink; at 1e-6 none does. The
        // truncation ε²·Θ‴/6 is then negligible and round-off is about 1e-16/ε = 1e-10 relative. Tolerance 1e-6.
        var spec = Spec(json);
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 7, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 5, 1);
        var v = TaylorizedNetworkTests.Direction(network, 21);
        var velocity = KernelVelocity.Along(network, network.Parameters, x, v);
        const double Eps = 1e-6;
        Tensor Kernel(double s) => StructuredNtk(network, x, network.Parameters.Select((p, i) => p.detach() + v[i] * s).ToArray());
        var slope = (Kernel(Eps) - Kernel(-Eps)) / (2 * Eps);
        Assert.True((velocity - slope).norm().ToDouble() <= 1e-6 * slope.norm().ToDouble(),
            $"|V − ΔΘ/Δs| = {(velocity - slope).norm().ToDouble():G3}, |ΔΘ/Δs| = {slope.norm().ToDouble():G3}");
    }

    [Fact]
    public void TheVelocityIsTheLinearTermOfTheSecondOrderModelsKernel()
    {
        // Θ̂_2(εv) is a quadratic polynomial in ε whose linear coefficient is dΘ̂/ds(0): its central difference is exact
        // up to round-off at any ε (here 0.5), a check independent of any step size.
        var spec = Spec(Mlp("erf", 2, 3));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 2, TensorSettings.CpuFloat64);
        using var second = new TaylorizedNetwork(network, 2);
        var x = Inputs(spec, 6, 3);
        var v = TaylorizedNetworkTests.Direction(network, 5);
        var velocity = KernelVelocity.Along(network, network.Parameters, x, v);
        var difference = (second.Ntk(x, v.Select(t => t * 0.5).ToArray()) - second.Ntk(x, v.Select(t => t * -0.5).ToArray()));
        Assert.True((velocity - difference).norm().ToDouble() <= 1e-12 * velocity.norm().ToDouble());
    }

    [Fact]
    public void TheFlowDirectionIsMinusTheLossGradient()
    {
        // For ½·mean‖f − y‖², −∇L = −J0ᵀ(f − y)/N: checked through the Trainer's first GD step, θ1 − θ0 = −η∇L.
        var spec = Spec(Mlp("tanh", 1, 2));
        using var scope = NewDisposeScope();
        using var network = Network.Create(spec, 4, TensorSettings.CpuFloat64);
        var x = Inputs(spec, 6, 8);
        var y = Inputs(spec, 6, 9).narrow(1, 0, 2);
        var theta0 = network.CloneParameters();
        var v = KernelVelocity.FlowDirection(network, network.Parameters, new MeanSquaredError(), x, y, null);
        using var data = LinearizedNetworkTests.TrainingDataOf(x, y);
        new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.1), 1, [1], 0)).Train(network, data);
        for (int i = 0; i < v.Length; i++)
            Assert.True((network.Parameters[i].detach() - theta0[i] - v[i] * 0.1).abs().max().ToDouble() < 1e-14);
    }
}
