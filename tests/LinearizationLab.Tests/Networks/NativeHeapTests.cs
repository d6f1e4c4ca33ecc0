using LinearizationLab.Data;
using LinearizationLab.Networks;
using Xunit.Abstractions;

namespace LinearizationLab.Tests.Networks;

public class NativeHeapTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("native-heap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The <c>lab</c> process keeps freed large blocks: a CNN sweep whose checkpoints each allocate and free per-example conv
    /// gradients of 118 MB (above glibc's largest mmap threshold, 32 MB; both convs at stride 1, so that 196 positions send them
    /// to per-example gradients rather than the position kernel, <see cref="Layers.ConvLayer.CheaperContraction"/>) faults in
    /// far fewer pages than the same sweep with
    /// glibc's own behaviour, which a user keeps by setting any malloc tunable. Without <see cref="NativeHeap.KeepLargeBlocks"/>
    /// both runs fault alike.
    /// </summary>
    [Fact]
    public void TheLabProcessReusesFreedLargeBlocksInsteadOfFaultingInFreshPages()
    {
        const string time = "/usr/bin/time";
        if (!OperatingSystem.IsLinux() || !File.Exists(time))
        {
            output.WriteLine($"skipped: needs Linux and GNU time at {time} to count the child's page faults");
            return;
        }
        string config = Path.Combine(_dir, "cnn.json");
        File.WriteAllText(config, """
            {"name": "heap", "widths": [64], "seeds": 1, "steps": 10, "checkpoints": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "dtype": "float64",
             "arch": {"input_shape": [1, 14, 14], "parameterization": "ntk", "layers": [
               {"type": "conv", "channels": 64, "kernel": [3, 3], "padding": "same", "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
               {"type": "conv", "channels": 64, "kernel": [3, 3], "padding": "same", "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
               {"type": "flatten"}, {"type": "dense", "width": 10, "w_std": 1.0, "b_std": 0.0}]},
             "data": {"source": "mnist", "train_size": 40, "test_size": 10, "pool": 2, "normalize": "unit_norm", "one_hot": [-0.1, 0.9]},
             "loss": "mse", "optimizer": {"type": "gd", "learning_rate": 0.1}, "ntk_method": "structured"}
            """);
        string lab = Path.Combine(AppContext.BaseDirectory, "lab");
        long Faults(string name, string? tunables)
        {
            var (code, text) = ChildProcess.Run(time, ["-f", "minor faults %R", lab, "sweep", config, "--out", Path.Combine(_dir, name)],
                RepositoryRoot.Locate(), new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = tunables, ["MALLOC_MMAP_MAX_"] = null, ["MALLOC_TRIM_THRESHOLD_"] = null });
            Assert.True(code == 0, text);
            string line = text.Split('\n').Last(l => l.StartsWith("minor faults ", StringComparison.Ordinal));
            return long.Parse(line["minor faults ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }
        // A malloc tunable that changes nothing (no perturbation is glibc's default) but tells lab to keep glibc's behaviour.
        long kept = Faults("kept", null), glibc = Faults("glibc", "glibc.malloc.perturb=0");
        output.WriteLine($"minor page faults: {kept} with large blocks kept, {glibc} with glibc's own setting");
        Assert.True(2 * kept < glibc, $"{kept} faults with large blocks kept against {glibc} with glibc's setting");
    }

    [Fact]
    public void AMallocSettingOfTheUsersIsKept()
    {
        string? saved = Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_");
        try
        {
            Environment.SetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_", "131072");
            Assert.Equal("MALLOC_TRIM_THRESHOLD_", NativeHeap.UserSetting());
            Assert.False(NativeHeap.KeepLargeBlocks());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_", saved);
        }
    }
}
