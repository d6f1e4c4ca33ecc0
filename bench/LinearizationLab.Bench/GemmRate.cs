using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>The machine's matrix-product rate, the yardstick for "share of the GEMM rate" in the benchmarks.</summary>
public static class GemmRate
{
    /// <summary>Median GFLOP/s of a 2048×2048 by 2048×2048 matrix product (2·2048³ FLOPs) over 7 runs after a warm-up.</summary>
    public static double Measure(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);
        var a = randn([2048, 2048], dtype, CPU, generator: generator);
        var b = randn([2048, 2048], dtype, CPU, generator: generator);
        a.matmul(b);
        var rates = Enumerable.Range(0, 7).Select(_ =>
        {
            var clock = Stopwatch.StartNew();
            using var inner = NewDisposeScope();
            a.matmul(b);
            return 2.0 * 2048 * 2048 * 2048 / clock.Elapsed.TotalSeconds / 1e9;
        }).Order().ToArray();
        return rates[rates.Length / 2];
    }
}
