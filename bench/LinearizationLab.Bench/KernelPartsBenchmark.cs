using System.Diagnostics;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// The parts of a sweep's run that its phase times single out (README, "Where the time goes now"), float64, medians:
/// <c>gram</c>, the Gram G·Gᵀ of per-example gradients by the plain product and by <see cref="GramMatrix"/>, alternating in
/// one process; <c>cnn-kernel</c>, a checkpoint's Θ̂_t and the kernel's velocity of cnn-fashion's width-128 net on 40
/// inputs; <c>hierarchy</c>, the steps of <see cref="NtkHierarchy.AtInitialization"/> and of its gradient-descent
/// prediction for hierarchy-erf's width-1024 net on 16 points.
/// </summary>
public static class KernelPartsBenchmark
{
    /// <summary>Plain against blocked Gram for the shapes of cnn-fashion's (one and two sets) and hierarchy-erf's Grams.</summary>
    public static void Gram()
    {
        Console.WriteLine("Gram G·Gᵀ, float64, median of 6 after a warm-up, the two methods alternating");
        Console.WriteLine($"{"G",-20} {"product s",10} {"blocks s",10}");
        foreach (var (rows, columns) in new[] { (400L, 147456L), (800L, 147456L), (256L, 1L << 20) })
        {
            using var scope = NewDisposeScope();
            var g = randn([rows, columns], float64, generator: new Generator(1));
            var (plain, blocked) = (new List<double>(), new List<double>());
            for (int r = 0; r < 7; r++)
            {
                double a = Seconds(() => g.matmul(g.t())), b = Seconds(() => GramMatrix.Of(g));
                if (r == 0) continue;
                plain.Add(a);
                blocked.Add(b);
            }
            Console.WriteLine($"{$"[{rows}, {columns}]",-20} {Median(plain),10:F3} {Median(blocked),10:F3}");
        }
    }

    /// <summary>Θ̂ on one set (every checkpoint of cnn-fashion) and the kernel's velocity at its widest net.</summary>
    public static void CnnKernel()
    {
        var arch = Spec("""
            {"input_shape":[1,14,14],"parameterization":"ntk","layers":[
             {"type":"conv","channels":128,"kernel":[3,3],"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
             {"type":"conv","channels":128,"kernel":[3,3],"stride":2,"padding":"same","w_std":1.414,"b_std":0.1},{"type":"relu"},
             {"type":"flatten"},{"type":"dense","width":10,"w_std":1.0,"b_std":0.0}]}
            """);
        using var scope = NewDisposeScope();
        using var network = Network.Create(arch, 0, TensorSettings.CpuFloat64);
        var x = randn([40, 1, 14, 14], float64, generator: new Generator(2));
        var ntk = new EmpiricalNtk(network);
        var direction = network.Parameters.Select(p => randn_like(p)).ToArray();
        Console.WriteLine("cnn-fashion's width-128 CNN, 40 inputs 1×14×14, O = 10, float64, median of 5 after a warm-up");
        Console.WriteLine($"  structured Θ̂ on one set, per layer: {Median(5, () => ntk.ComputeTensors(x, null, NtkMethod.Structured, perLayer: true)):F3} s");
        Console.WriteLine($"  kernel velocity dΘ̂/ds:              {Median(5, () => KernelVelocity.Along(network, network.Parameters, x, direction)):F3} s");
    }

    /// <summary>The hierarchy's steps at hierarchy-erf's widest net.</summary>
    public static void Hierarchy()
    {
        var arch = Spec("""
            {"input_shape":[8],"parameterization":"ntk","layers":[
             {"type":"dense","width":1024,"w_std":1.5,"b_std":0.05},{"type":"erf"},
             {"type":"dense","width":1024,"w_std":1.5,"b_std":0.05},{"type":"erf"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.0}]}
            """);
        using var scope = NewDisposeScope();
        using var network = Network.Create(arch, 0, TensorSettings.CpuFloat64);
        var x = randn([16, 8], float64, generator: new Generator(3));
        x = x / x.norm(1, keepdim: true);
        var y = randn([16, 1], float64, generator: new Generator(4));
        Console.WriteLine("hierarchy-erf's width-1024 erf MLP, 16 points on S⁷, float64, one run per line (seconds)");
        for (int r = 0; r < 3; r++)
        {
            var phases = new PhaseTimes();
            var hierarchy = NtkHierarchy.AtInitialization(network, x, y, phases);
            double rate = 0.2 * hierarchy.Examples / hierarchy.InitialKernel.Max();
            using (phases.Measure("hierarchy_gradient_descent"))
                hierarchy.GradientDescent(rate, Enumerable.Range(0, 31).Select(i => 10 * i).ToArray());
            Console.WriteLine("  " + string.Join(", ", phases.Seconds.Select(p => $"{p.Key} {p.Value:F2}")));
        }
    }

    private static ArchitectureSpec Spec(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "bench.json"));

    /// <summary>Seconds of one call, its tensors freed after.</summary>
    private static double Seconds(Action work)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The median of <paramref name="runs"/> calls after a warm-up call.</summary>
    private static double Median(int runs, Action work)
    {
        Seconds(work);
        return Median(Enumerable.Range(0, runs).Select(_ => Seconds(work)).ToList());
    }

    private static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);
}
