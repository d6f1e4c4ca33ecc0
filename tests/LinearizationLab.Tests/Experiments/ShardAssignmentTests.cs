using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

/// <summary>Facts about where a sweep process's shard comes from: --shard, a Slurm array task, a Kubernetes Indexed Job, or nothing.</summary>
public sealed class ShardAssignmentTests
{
    private static ShardAssignment Resolve(string? shard, string? shardCount, params (string Name, string Value)[] env)
    {
        var vars = env.ToDictionary(e => e.Name, e => e.Value);
        return ShardAssignment.Resolve(shard, shardCount, name => vars.GetValueOrDefault(name));
    }

    private static (string, string)[] Slurm(int id, int min, int max, int count, int step = 1) =>
    [
        ("SLURM_ARRAY_TASK_ID", id.ToString()), ("SLURM_ARRAY_TASK_MIN", min.ToString()), ("SLURM_ARRAY_TASK_MAX", max.ToString()),
        ("SLURM_ARRAY_TASK_COUNT", count.ToString()), ("SLURM_ARRAY_TASK_STEP", step.ToString()),
    ];

    [Fact]
    public void WithoutOptionOrEnvironmentAProcessRunsEveryRun()
    {
        var all = Resolve(null, null);
        Assert.Equal((0, 1), (all.Index, all.Count));
        Assert.True(all.IsWhole);
        Assert.StartsWith("all runs (", all.ToString());
    }

    [Theory]
    [InlineData(0, 0, 2, 3, 1, 0)]     // sbatch --array=0-2
    [InlineData(2, 0, 2, 3, 1, 2)]
    [InlineData(5, 4, 6, 3, 1, 1)]     // --array=4-6: task 5 is the second, shard 1 = ID − MIN
    [InlineData(6, 3, 9, 3, 3, 1)]     // --array=3-9:3: tasks 3, 6, 9
    public void A_slurm_array_task_runs_its_position_in_the_array(int id, int min, int max, int count, int step, int shard)
    {
        var s = Resolve(null, null, Slurm(id, min, max, count, step));
        Assert.Equal((shard, count), (s.Index, s.Count));
        Assert.StartsWith($"shard {shard}/{count} from SLURM_ARRAY_TASK_ID=", s.ToString());
    }

    [Fact]
    public void AKubernetesIndexedJobPodRunsItsCompletionIndexOfShardCount()
    {
        var s = Resolve(null, "4", ("JOB_COMPLETION_INDEX", "3"));
        Assert.Equal((3, 4), (s.Index, s.Count));
        Assert.Equal("shard 3/4 from JOB_COMPLETION_INDEX=3, --shard-count 4", s.ToString());
    }

    [Fact]
    public void TheShardOptionWinsOverSlurmAndKubernetes()
    {
        var s = Resolve("1/2", null, [.. Slurm(2, 0, 2, 3), ("JOB_COMPLETION_INDEX", "0")]);
        Assert.Equal((1, 2, "--shard 1/2"), (s.Index, s.Count, s.Source));
        // The final job of scripts/slurm/sweep.sh says --shard 0/1 and so runs everything, whatever the environment.
        Assert.True(Resolve("0/1", null, Slurm(1, 0, 2, 3)).IsWhole);
    }

    [Fact]
    public void SlurmWinsOverKubernetesAndAgreesWithAGivenShardCount()
    {
        var s = Resolve(null, "3", [.. Slurm(1, 0, 2, 3), ("JOB_COMPLETION_INDEX", "0")]);
        Assert.Equal((1, 3), (s.Index, s.Count));
    }

    [Theory]
    [InlineData("3/3", null, "--shard", "not i/k")]
    [InlineData("-1/3", null, "--shard", "not i/k")]
    [InlineData("1/2", "2", "--shard-count", "not both")]
    [InlineData(null, "0", "--shard-count", "≥ 1")]
    [InlineData(null, "two", "--shard-count", "≥ 1")]
    [InlineData(null, "3", "--shard-count", "JOB_COMPLETION_INDEX")]     // no index in the environment to go with it
    public void Bad_options_are_named(string? shard, string? shardCount, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Resolve(shard, shardCount));
        Assert.Equal(("command line", field), (e.File, e.Field));
        Assert.Contains(reason, e.Reason);
    }

    public static TheoryData<(string, string)[], string?, string, string> BadEnvironments => new()
    {
        { [("SLURM_ARRAY_TASK_ID", "abc"), ("SLURM_ARRAY_TASK_COUNT", "3")], null, "SLURM_ARRAY_TASK_ID", "'abc' is not a whole number" },
        { [("SLURM_ARRAY_TASK_ID", "-1"), ("SLURM_ARRAY_TASK_COUNT", "3")], null, "SLURM_ARRAY_TASK_ID", "not a whole number" },
        { [("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "0")], null, "SLURM_ARRAY_TASK_COUNT", "at least 1" },
        { [("SLURM_ARRAY_TASK_ID", "1")], null, "SLURM_ARRAY_TASK_COUNT", "--shard-count" },
        { [("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "2"), ("SLURM_ARRAY_TASK_COUNT", "3")], null, "SLURM_ARRAY_TASK_ID", "below SLURM_ARRAY_TASK_MIN=2" },
        { [("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3")], null, "SLURM_ARRAY_TASK_ID", "--array=0-2" },
        // --array=1,5,7: not evenly spaced, so no task (not even the first) may guess its shard.
        { Slurm(1, 1, 7, 3), null, "SLURM_ARRAY_TASK_MAX", "--array=0-2" },
        { Slurm(1, 0, 2, 3), "4", "--shard-count", "disagrees with SLURM_ARRAY_TASK_COUNT=3" },
        { [("JOB_COMPLETION_INDEX", "1")], null, "--shard-count", "is required" },
        { [("JOB_COMPLETION_INDEX", "4")], "4", "JOB_COMPLETION_INDEX", "not below --shard-count 4" },
        { [("JOB_COMPLETION_INDEX", "x")], "4", "JOB_COMPLETION_INDEX", "not a whole number" },
    };

    [Theory]
    [MemberData(nameof(BadEnvironments))]
    public void BadEnvironmentValuesAreNamed(
        (string, string)[] env, string? shardCount, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Resolve(null, shardCount, env));
        Assert.Equal(field, e.Field);
        Assert.Equal(field.StartsWith("--", StringComparison.Ordinal) ? "command line" : "environment", e.File);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void EmptyVariablesCountAsUnset()
    {
        Assert.True(Resolve(null, null, ("SLURM_ARRAY_TASK_ID", ""), ("JOB_COMPLETION_INDEX", " ")).IsWhole);
    }

    [Fact]
    public void TheShardsOfAnArrayCoverEveryRunOnce()
    {
        var runs = Enumerable.Range(0, 15).Select(i => new SweepRunKey(i, 32 << (i / 3), i % 3)).ToArray();
        var shards = Enumerable.Range(4, 3)   // --array=4-6
            .Select(id => Resolve(null, null, Slurm(id, 4, 6, 3)))
            .Select(s => runs.Where(r => r.InShard(s.Index, s.Count)).Select(r => r.Index)).ToArray();
        Assert.Equal(Enumerable.Range(0, 15), shards.SelectMany(s => s).Order());
    }
}
