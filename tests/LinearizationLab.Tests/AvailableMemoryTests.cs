namespace LinearizationLab.Tests;

/// <summary>Facts about the memory a run may have: read from Linux's accounts, bounded by the machine, and switched off on request.</summary>
[Collection("TorchSharp")]
public class AvailableMemoryTests
{
    private static long MemTotal() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Fact]
    public void TheAvailableMemoryIsWhatTheSystemCanGivePlusWhatThisProcessHolds()
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc is Linux's
        var available = AvailableMemory.Current();
        Assert.NotNull(available);
        // MemAvailable ≤ MemTotal, and this process's resident set is part of MemTotal too.
        Assert.InRange(available.Bytes, Environment.WorkingSet, MemTotal() + Environment.WorkingSet);
        long peak = AvailableMemory.PeakResidentBytes()!.Value, now = AvailableMemory.ResidentBytes()!.Value;
        Assert.InRange(now, 1, peak);
    }

    [Fact]
    public void TheCheckCanBeSwitchedOff()
    {
        string? saved = Environment.GetEnvironmentVariable(AvailableMemory.CheckVariable);
        Environment.SetEnvironmentVariable(AvailableMemory.CheckVariable, "off");
        try
        {
            Assert.Null(AvailableMemory.Current());
            new MemoryEstimate([new MemoryTerm("everything", long.MaxValue / 2)]).EnsureFits("S.json", "widths", "width 1");   // no refusal
        }
        finally
        {
            Environment.SetEnvironmentVariable(AvailableMemory.CheckVariable, saved);
        }
    }
}
