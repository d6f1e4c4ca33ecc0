using System.Diagnostics;
using LinearizationLab.Tests.Experiments;
using Xunit.Abstractions;

namespace LinearizationLab.Tests.Cli;

/// <summary>
/// Facts about <c>lab sweep</c> as a cluster task: it takes its shard from Slurm or Kubernetes, says so, and rejects bad values;
/// and about its resource faults: a run that cannot fit in memory, a full disk, an allocation that fails all the same.
/// </summary>
[Collection("TorchSharp")]
public sealed class SweepCommandTests : IDisposable
{
    private static readonly string[] Variables =
        ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"];

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-sweep-").FullName;
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    private readonly ITestOutputHelper _output;

    public SweepCommandTests(ITestOutputHelper output)
    {
        _output = output;
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    public void Dispose()
    {
        foreach (var (v, value) in _saved) Environment.SetEnvironmentVariable(v, value);
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string widths = "[16, 32]", string seeds = "2")
    {
        string path = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(path, SweepSpecTests.Json(widths, seeds));   // by default widths 16, 32 × seeds 0, 1: runs 0..3
        return path;
    }

    [Fact]
    public void AWidthThatCannotFitInMemoryIsRefusedBeforeAnythingIsWritten()
    {
        // Two hidden layers of 200,000 units: W_2 alone is 200000² float64 = 320 GB, and the run keeps θ, θ0 and Δθ.
        string folder = Path.Combine(_dir, "out");
        var (code, _, stderr) = LabConsole.Run("sweep", Config("[200000]", "1"), "--out", folder);
        Assert.Equal(2, code);
        string error = Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
        Assert.Equal(error, stderr.Trim().Split('\n')[^1]);
        Assert.StartsWith($"error: {Path.Combine(_dir, "tiny.json")}: widths: width 200000 needs ≈ 1.92 TB, the largest part " +
                          "parameters and parameter-sized tensors = 1.92 TB (6·P·e: θ, θ0, Δθ, the kernel velocity's −∇L, ∇L, scaled weights; ", error);
        Assert.Contains("hidden dense layer 2's weights 200000×200000 float64 = 320 GB", error);
        Assert.Matches(@"; this machine has [0-9.]+ GiB available \(", error);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void AnAllocationThatFailsDespiteTheEstimateIsOneLineAndExitCodeTwo()
    {
        // With the check off, width 5,000,000 reaches libtorch, whose allocator refuses W_2 (200 TB, beyond any address space).
        string? saved = Environment.GetEnvironmentVariable(AvailableMemory.CheckVariable);
        Environment.SetEnvironmentVariable(AvailableMemory.CheckVariable, "off");
        try
        {
            var (code, _, stderr) = LabConsole.Run("sweep", Config("[5000000]", "1"), "--out", Path.Combine(_dir, "out"));
            Assert.Equal(2, code);
            string error = stderr.Trim().Split('\n')[^1];
            Assert.StartsWith("error: out of memory while running lab sweep: DefaultCPUAllocator: can't allocate memory: you tried to allocate", error);
            Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
            Assert.DoesNotContain(stderr.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(AvailableMemory.CheckVariable, saved);
        }
    }

    [Fact]
    public void AFullDiskIsOneLineNamingTheFileAndARerunWithSpaceResumes()
    {
        // A 64 KiB tmpfs holds sweep.json (2 pages) and three run files (4 pages each) of the 4; the fourth cannot be written.
        string mount = Path.Combine(_dir, "disk");
        Directory.CreateDirectory(mount);
        if (Mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", mount) is { } reason)
        {
            _output.WriteLine($"skipped: cannot mount a 64 KiB tmpfs ({reason}); the test needs root");
            return;
        }
        try
        {
            string folder = Path.Combine(mount, "out"), runs = Path.Combine(folder, "runs");
            var (code, _, stderr) = LabConsole.Run("sweep", Config(), "--out", folder);
            Assert.Equal(2, code);
            string error = stderr.Trim().Split('\n')[^1];
            Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
            Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(runs)}/w00(16|32)-s[01]\.json: cannot write: No space left on device \(finished files are kept; rerun to resume\)$", error);
            string failed = error["error: ".Length..error.IndexOf(": cannot write", StringComparison.Ordinal)];
            Assert.False(File.Exists(failed));
            Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
            var kept = Directory.GetFiles(runs).ToDictionary(f => f, File.ReadAllText);
            Assert.NotEmpty(kept);

            Assert.Null(Mount("-o", "remount,size=16m", mount));
            var (again, stdout, resumed) = LabConsole.Run("sweep", Config(), "--out", folder);
            Assert.Equal(0, again);
            Assert.Contains($"sweep: {kept.Count} runs were already done and were kept", resumed);
            Assert.Contains($"ran {4 - kept.Count} runs", stdout);
            Assert.Equal(4, Directory.GetFiles(runs).Length);
            foreach (var (file, text) in kept) Assert.Equal(text, File.ReadAllText(file));   // finished runs untouched
        }
        finally
        {
            Mount("-u", mount);
        }
    }

    /// <summary>Runs mount (umount for "-u"); null on success, else why it failed.</summary>
    private static string? Mount(params string[] args)
    {
        bool unmount = args[0] == "-u";
        var start = new ProcessStartInfo(unmount ? "umount" : "mount", unmount ? args[1..] : args)
            { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    [Fact]
    public void ASlurmArrayTaskRunsItsShardIntoTheSharedFolderAndSaysWhereItCameFrom()
    {
        // sbatch --array=5-6: task 6 is the second of two, shard 1/2 = runs 1 and 3 (width 16 and 32, seed 1).
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "6");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_MIN", "5");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_MAX", "6");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_COUNT", "2");
        string output = Path.Combine(_dir, "out");
        var (code, _, stderr) = LabConsole.Run("sweep", Config(), "--out", output);
        Assert.Equal(0, code);
        Assert.Contains("sweep: shard 1/2 from SLURM_ARRAY_TASK_ID=6, SLURM_ARRAY_TASK_MIN=5, SLURM_ARRAY_TASK_COUNT=2", stderr);
        Assert.Equal(["w0016-s1.json", "w0032-s1.json"], Directory.GetFiles(Path.Combine(output, "runs")).Select(Path.GetFileName).Order());

        // --shard wins over the environment: the final job's --shard 0/1 runs what the tasks left.
        var (final, stdout, finalErr) = LabConsole.Run("sweep", Config(), "--out", output, "--shard", "0/1");
        Assert.Equal(0, final);
        Assert.Contains("sweep: all runs (--shard 0/1)", finalErr);
        Assert.Contains("ran 2 runs", stdout);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(output, "runs")).Length);
    }

    [Fact]
    public void SweepHelpExits0AndDescribesEveryOption()
    {
        var (code, stdout, stderr) = LabConsole.Run("sweep", "--help");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("lab sweep [<S.json>] [options]", stdout);
        foreach (string option in new[] { "--config <S.json>", "--out <DIR>", "--shard <i/k>", "--shard-count <K>" })
        {
            string line = Assert.Single(stdout.Split('\n'), l => l.TrimStart().StartsWith(option, StringComparison.Ordinal));
            Assert.True(line.Length > option.Length + 20, $"'{line.Trim()}' has no description");
        }
        Assert.Contains("SLURM_ARRAY_TASK_ID", stdout);
        Assert.Equal(stdout, LabConsole.Run("help", "sweep").Stdout);   // `lab help sweep` is the same page
    }

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX", "1", null, "error: command line: --shard-count: is required with JOB_COMPLETION_INDEX=1")]
    [InlineData("JOB_COMPLETION_INDEX", "2", "2", "error: environment: JOB_COMPLETION_INDEX: 2 is not below --shard-count 2")]
    [InlineData("SLURM_ARRAY_TASK_ID", "x", null, "error: environment: SLURM_ARRAY_TASK_ID: 'x' is not a whole number ≥ 0")]
    [InlineData(null, null, "3", "error: command line: --shard-count: needs JOB_COMPLETION_INDEX")]
    public void BadShardValuesExit2WithOneLineAndWriteNothing(string? variable, string? value, string? shardCount, string error)
    {
        if (variable is not null) Environment.SetEnvironmentVariable(variable, value);
        string output = Path.Combine(_dir, "bad");
        string[] args = shardCount is null ? ["sweep", Config(), "--out", output] : ["sweep", Config(), "--out", output, "--shard-count", shardCount];
        var (code, _, stderr) = LabConsole.Run(args);
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith(error, stderr);
        Assert.False(Directory.Exists(output));
    }
}
