using LinearizationLab.Tests.Experiments;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab sweep</c> as a cluster task: it takes its shard from Slurm or Kubernetes, says so, and rejects bad values.</summary>
[Collection("TorchSharp")]
public sealed class SweepCommandTests : IDisposable
{
    private static readonly string[] Variables =
        ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"];

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-sweep-").FullName;
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public SweepCommandTests()
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
    }

    public void Dispose()
    {
        foreach (var (v, value) in _saved) Environment.SetEnvironmentVariable(v, value);
        Directory.Delete(_dir, recursive: true);
    }

    private string Config()
    {
        string path = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(path, SweepSpecTests.Json());   // widths 16, 32 × seeds 0, 1: runs 0..3
        return path;
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
