using System.Runtime.InteropServices;

namespace LinearizationLab.Networks;

/// <summary>
/// How the C heap under libtorch serves large blocks. By default glibc maps a block above its mmap threshold (128 KB at
/// first, rising with use to at most 32 MB) with mmap and unmaps it when freed. So every larger block (a conv layer's
/// per-example gradients, a wide layer's weight-sized temporaries) arrives as fresh pages that the kernel faults in and
/// zeroes one by one. A sweep allocates and frees such blocks at every step and checkpoint.
/// <see cref="KeepLargeBlocks"/> makes glibc serve every block from its heap (<c>M_MMAP_MAX = 0</c>) and never return freed
/// memory at the heap's top to the system (<c>M_TRIM_THRESHOLD = −1</c>), so freed blocks are reused as they are and a
/// process faults in each page of its heap once, up to its peak. On a virtual machine whose host takes freed guest memory
/// back, a fresh page costs far more than zeroing it: here 2 GiB touched for the first time took 13 s against 0.1 s to
/// write them again, and cnn-fashion spent 17–20 s of system time on its heap with a 1 GiB trim threshold against 7–8 s
/// with none (2.1M against 0.55M page faults, the same 1.9 GB peak). Freed memory stays with the process until it exits,
/// so a sweep whose runs allocate blocks of different sizes can fragment the heap and raise its peak: the 15 runs of
/// hierarchy-erf peaked at 3.64 against 3.01 GB under a 1 GiB threshold. (Returning the heap with <c>malloc_trim</c>
/// between runs brought that to 2.68 GB but doubled the sweep's system time, so it is not done.)
/// The <c>lab</c> command and the benchmarks set it first thing; a program using the library may. A malloc setting the user
/// made in the environment (<c>GLIBC_TUNABLES</c> with <c>glibc.malloc.</c>, <c>MALLOC_MMAP_MAX_</c>,
/// <c>MALLOC_TRIM_THRESHOLD_</c>) is kept.
/// </summary>
public static class NativeHeap
{
    /// <summary>glibc's value of <c>M_TRIM_THRESHOLD</c> that turns trimming off (mallopt(3)).</summary>
    private const int NeverTrim = -1;

    private const int TrimThreshold = -1, MmapMax = -4;   // glibc's M_TRIM_THRESHOLD and M_MMAP_MAX

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallocOption(int option, int value);

    /// <summary>
    /// Serves large blocks from the heap and keeps freed ones (see the class). Returns whether glibc took both settings;
    /// false where the user set malloc's behaviour in the environment, and where there is no glibc (macOS, musl, Windows),
    /// which keep their own allocators' behaviour.
    /// </summary>
    public static bool KeepLargeBlocks()
    {
        if (!OperatingSystem.IsLinux() || UserSetting() is not null) return false;
        try
        {
            return MallocOption(MmapMax, 0) == 1 && MallocOption(TrimThreshold, NeverTrim) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The environment variable through which the user set glibc malloc's behaviour, or null.</summary>
    public static string? UserSetting()
    {
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
            return "GLIBC_TUNABLES";
        return new[] { "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_" }.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null);
    }
}
