using System.Diagnostics;
using LinearizationLab.Empirical;
using LinearizationLab.Networks;
using static LinearizationLab.Tests.Empirical.NtkTestNetworks;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Empirical;

[Collection("TorchSharp")]
public class EmpiricalNtkMemoryTests
{
    [Fact]
    public void RepeatedStructuredKernelsDoNotGrowMemory()
    {
        // Each kernel allocates ≈1.5 MB of tensors (traces, Δ for 3 layers at N=32, width 512, kernels);
        // leaking them over 200 repetitions would add ≈300 MB. Allow 64 MB for allocator and GC noise.
        const long Bound = 64L << 20;
        var spec = Spec("""{"input_shape":[8],"layers":[{"type":"dense","width":512,"w_std":1.4},{"type":"relu"},{"type":"dense","width":512,"w_std":1.4},{"type":"relu"},{"type":"dense","width":1}]}""");
        using var network = Network.Create(spec, 1, TensorSettings.CpuFloat64);
        using var x = Inputs(spec, 32, 9);
        var ntk = new EmpiricalNtk(network);
        for (int i = 0; i < 20; i++) ntk.Compute(x, null, NtkMethod.Structured);
        long before = Footprint();
        for (int i = 0; i < 200; i++) ntk.Compute(x, null, NtkMethod.Structured);
        long after = Footprint();
        Assert.True(after - before < Bound, $"memory grew by {(after - before) / (1 << 20)} MB");
    }

    private static long Footprint()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }
}
