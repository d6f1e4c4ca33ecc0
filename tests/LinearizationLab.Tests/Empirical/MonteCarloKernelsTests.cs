using LinearizationLab.Empirical;
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Empirical;

[Collection("TorchSharp")]
public class MonteCarloKernelsTests
{
    private static ArchitectureSpec ReluDepth3(int width) => Arch.Mlp(6, [width, width, width], 1, "relu", wStd: 1.4, bStd: 0.2);

    private static ArchitectureSpec ErfDepth2(int width) => Arch.Mlp(6, [width, width], 1, "erf", wStd: 1.3, bStd: 0.1);

    private static ArchitectureSpec SmallCnn(int width) => Arch.Parse($$"""
        {"input_shape":[1,4,4],"layers":[
          {"type":"conv","channels":{{width}},"kernel":[3,3],"padding":"same","w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"conv","channels":{{width}},"kernel":[2,2],"padding":"circular","w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0}]}
        """);

    public static TheoryData<string> Networks => ["relu3", "erf2", "cnn"];

    private static ArchitectureSpec Build(string name, int width) => name switch
    {
        "relu3" => ReluDepth3(width),
        "erf2" => ErfDepth2(width),
        _ => SmallCnn(width),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void AnalyticKernelsLieWithinFourStandardErrorsOfTheWidth512Mean(string name)
    {
        var arch = Build(name, 512);
        var x = TestInputs.Uniform(3, arch.InputSize, 1);
        var analytic = AnalyticKernels.Compute(arch, x);
        var mc = MonteCarloKernels.Estimate(arch, x, null, samples: 40, firstSeed: 100);
        // The finite-width mean differs from the limit by O(1/n) ≈ 0.2%, well inside 4 standard errors of
        // 40 draws (each entry fluctuates by O(1/√n) ≈ 4%); 4σ keeps chance failures below 1e-4 per entry.
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        {
            Assert.InRange(analytic.Nngp[i, j], mc.NngpMean[i, j] - 4 * mc.NngpStandardError[i, j], mc.NngpMean[i, j] + 4 * mc.NngpStandardError[i, j]);
            Assert.InRange(analytic.Ntk[i, j], mc.NtkMean[i, j] - 4 * mc.NtkStandardError[i, j], mc.NtkMean[i, j] + 4 * mc.NtkStandardError[i, j]);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void TheMonteCarloMeanApproachesTheAnalyticKernelAsWidthGrows(string name)
    {
        var x = TestInputs.Uniform(3, Build(name, 8).InputSize, 2);
        var analytic = AnalyticKernels.Compute(Build(name, 8), x);
        double Distance(int width)
        {
            var mc = MonteCarloKernels.Estimate(Build(name, width), x, null, samples: 30, firstSeed: 7);
            return MatrixDistance.RelativeFrobenius(mc.NtkMean, analytic.Ntk) + MatrixDistance.RelativeFrobenius(mc.NngpMean, analytic.Nngp);
        }
        // Bias O(1/n) and noise O(1/√(n·S)) both shrink 16-fold in width.
        Assert.True(Distance(512) < Distance(32));
    }
}
