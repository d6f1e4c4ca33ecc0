using System.Globalization;

namespace LinearizationLab;

/// <summary>
/// The memory a run may still use on this machine: what the system could give it (Linux <c>MemAvailable</c> in /proc/meminfo,
/// lowered to what the process's cgroup allows, <c>memory.max</c> less its anonymous memory, when a limit is set) plus what
/// this process already holds resident (the runtime, which <see cref="MemoryEstimate"/> counts too).
/// </summary>
/// <param name="Bytes">The memory the run may reach, in bytes.</param>
/// <param name="Source">Where the figure comes from ("MemAvailable", "cgroup memory.max").</param>
public sealed record AvailableMemory(long Bytes, string Source)
{
    /// <summary>The environment variable that switches the check off when set to <c>off</c> (for an estimate that is wrong for a machine).</summary>
    public const string CheckVariable = "LAB_MEMORY_CHECK";

    /// <summary>"this machine has 23 GiB available (MemAvailable)".</summary>
    public override string ToString() =>
        $"this machine has {Bytes / (double)(1L << 30):0.#} GiB available ({Source}; {CheckVariable}=off skips this check)";

    /// <summary>The memory this process may reach now; null when it cannot be read (not Linux) or <see cref="CheckVariable"/> is <c>off</c>.</summary>
    public static AvailableMemory? Current()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(CheckVariable), "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (Field("/proc/meminfo", "MemAvailable:") is not long free) return null;
        long resident = Environment.WorkingSet;
        var available = new AvailableMemory(free + resident, "MemAvailable");
        if (CgroupLeft() is long left && left + resident < available.Bytes) available = new AvailableMemory(left + resident, "cgroup memory.max");
        return available;
    }

    /// <summary>The process's peak resident set size so far (VmHWM in /proc/self/status), or null when it cannot be read.</summary>
    public static long? PeakResidentBytes() => Field("/proc/self/status", "VmHWM:");

    /// <summary>The process's resident set size now (VmRSS in /proc/self/status), or null when it cannot be read.</summary>
    public static long? ResidentBytes() => Field("/proc/self/status", "VmRSS:");

    /// <summary>What the cgroup (v2, else v1) still allows: its limit less its anonymous memory (page cache can be reclaimed); null without a limit.</summary>
    private static long? CgroupLeft()
    {
        if (Number("/sys/fs/cgroup/memory.max") is long max)
            return max - (Field("/sys/fs/cgroup/memory.stat", "anon", kilobytes: false) ?? Number("/sys/fs/cgroup/memory.current") ?? 0);
        if (Number("/sys/fs/cgroup/memory/memory.limit_in_bytes") is long limit && limit < 1L << 60)
            return limit - (Field("/sys/fs/cgroup/memory/memory.stat", "rss", kilobytes: false) ?? 0);
        return null;
    }

    /// <summary>A file holding one number ("max" and unreadable files: null).</summary>
    private static long? Number(string path)
    {
        try { return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The value of the line starting with <paramref name="key"/> in a "key value [kB]" file, in bytes.</summary>
    private static long? Field(string path, string key, bool kilobytes = true)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal) || line.Length > key.Length && line[key.Length] is not (' ' or '\t' or ':'))
                    continue;
                var parts = line[key.Length..].Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
                return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                    ? (kilobytes ? v * 1024 : v) : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
