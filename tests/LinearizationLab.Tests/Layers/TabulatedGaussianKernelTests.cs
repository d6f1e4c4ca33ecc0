using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

public class TabulatedGaussianKernelTests
{
    public static TheoryData<string, double> ActivationsAndVariances()
    {
        var data = new TheoryData<string, double>();
        foreach (string name in new[] { "tanh", "erf", "relu", "identity", "sigmoid", "softplus" })
            foreach (double s in new[] { 0.01, 0.3, 1.0, 3.0, 10.0 })
                data.Add(name, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsAndVariances))]
    public void TheTableIsWithinTenToTheMinusSevenOfTheExactTransform(string name, double s)
    {
        // Random correlations over the whole range, the endpoints included, against the exact transform (tanh's 14-digit
        // quadrature, and sigmoid's and softplus's, the closed forms of the others); errors are measured against K(s,s,s) and K̇(s,s,s), the kernel's scale.
        var phi = Activation.ByName(name);
        var table = new TabulatedGaussianKernel(phi.Transform);
        var random = new Random(7);
        var (kScale, kDotScale) = phi.Transform(s, s, s);
        foreach (double rho in Enumerable.Range(0, 200).Select(_ => 2 * random.NextDouble() - 1).Concat([-1.0, 1.0, 0.0, 0.999999, -0.999999]))
        {
            var exact = phi.Transform(s, s, rho * s);
            var tabulated = table.Transform(s, s, rho * s);
            Assert.True(Math.Abs(tabulated.Nngp - exact.Nngp) <= 1e-7 * Math.Abs(kScale), $"K at ρ = {rho}: {tabulated.Nngp} vs {exact.Nngp}");
            Assert.True(Math.Abs(tabulated.Derivative - exact.Derivative) <= 1e-7 * Math.Abs(kDotScale), $"K̇ at ρ = {rho}: {tabulated.Derivative} vs {exact.Derivative}");
        }
        Assert.Equal(1, table.TableCount);
    }

    [Fact]
    public void UnequalVariancesTakeTheExactTransformAndNearlyEqualOnesShareATable()
    {
        var table = new TabulatedGaussianKernel(TanhActivation.Instance.Transform);
        Assert.Equal(TanhActivation.Instance.Transform(1.0, 2.0, 0.5), table.Transform(1.0, 2.0, 0.5));
        Assert.Equal(0, table.TableCount);
        table.Transform(1.0, 1.0, 0.3);
        table.Transform(1.0 + 1e-14, 1.0 - 1e-14, 0.3);   // unit-norm inputs differ in the last bits
        Assert.Equal(1, table.TableCount);
    }

    [Fact]
    public void ADeepTanhKernelFromTablesMatchesTheExactQuadrature()
    {
        // Depth 5 (σ_w² 1.96, σ_b² 0.62) on 12 unit-norm inputs: every layer's integrals from tables against the exact
        // quadrature per entry. Each layer adds at most 1e-7 of the scale, and Θ compounds them through K̇; 1e-6 of the
        // largest entry bounds five layers.
        var arch = LinearizationLab.Architecture.ArchitectureReader.Read(LinearizationLab.Configuration.JsonSection.Parse(
            "{\"input_shape\":[6],\"layers\":[" + string.Concat(Enumerable.Repeat("{\"type\":\"dense\",\"width\":8,\"w_std\":1.4,\"b_std\":0.7874},{\"type\":\"tanh\"},", 5))
            + "{\"type\":\"dense\",\"width\":1,\"w_std\":1.4,\"b_std\":0.7874}]}", "deep-tanh.json"));
        var random = new Random(3);
        var x = new double[12, 6];
        for (int i = 0; i < 12; i++)
        {
            var row = Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray();
            double norm = Math.Sqrt(row.Sum(v => v * v));
            for (int j = 0; j < 6; j++) x[i, j] = row[j] / norm;
        }
        var exact = LinearizationLab.Analytic.AnalyticKernels.Compute(arch, x, tabulate: false);
        var tables = LinearizationLab.Analytic.AnalyticKernels.Compute(arch, x, tabulate: true);
        double scale = exact.Ntk.Cast<double>().Max(Math.Abs);
        for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++)
        {
            Assert.Equal(exact.Nngp[i, j], tables.Nngp[i, j], 1e-6 * scale);
            Assert.Equal(exact.Ntk[i, j], tables.Ntk[i, j], 1e-6 * scale);
        }
    }
}
