using System.Runtime.InteropServices;

namespace LinearizationLab.Networks;

/// <summary>
/// How the C heap under libtorch serves large blocks. By default glibc maps a block above its mmap threshold (128 KB at
/// first, rising with use to at most 32 MB) with mmap and unmaps it when freed. So every larger block (a conv layer's
/// per-example gradients, a wide layer's weight-sized temporaries) arrives as fresh pages that the kernel faults in and
/// zeroes one by one. A sweep allocates and frees such blocks at every step and checkpoint.
/// <see cref="KeepLargeBlocks"/> makes glibc serve every block from its heap (<c>M_MMAP_MAX = 0</c>) and keep up to
/// <see cref="TrimThresholdBytes"/> of freed memory at the heap's top instead of returning it to the system
/// (<c>M_TRIM_THRESHOLD</c>), so freed blocks are reused as they are. Freed memory then stays with the process until it
/// exits. One run's peak is the same (a width-1024 hierarchy-erf run: 2.50 against 2.58 GB), but over a sweep whose runs
/// allocate blocks of other sizes the heap fragments and the peak can grow: the 15 runs of hierarchy-erf peaked at 3.64
/// against 3.01 GB. (Returning the heap with <c>malloc_trim</c> between runs brought that to 2.68 GB but doubled the
/// sweep's system time, so it is not done.)
/// The <c>lab</c> command and the benchmarks set it first thing; a program using the library may. A malloc setting the user
/// made in the environment (<c>GLIBC_TUNABLES</c> with <c>glibc.malloc.</c>, <c>MALLOC_MMAP_MAX_</c>,
/// <c>MALLOC_TRIM_THRESHOLD_</c>) is kept.
/// </summary>
public static class NativeHeap
{
    /// <summary>Freed memory at the heap's top up to this size stays with the process (1 GiB).</summary>
    public const int TrimThresholdBytes = 1 << 30;

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
            return MallocOption(MmapMax, 0) == 1 && MallocOption(TrimThreshold, TrimThresholdBytes) == 1;
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
