using System.Globalization;

namespace LinearizationLab.Experiments;

/// <summary>
/// Which shard of a sweep's runs one process runs (shard <see cref="Index"/> of <see cref="Count"/>: every
/// <see cref="Count"/>-th run, see <see cref="SweepRunKey.InShard"/>), and where that came from: <c>--shard i/k</c>,
/// a Slurm array task (<c>SLURM_ARRAY_TASK_ID</c> − <c>SLURM_ARRAY_TASK_MIN</c> of <c>SLURM_ARRAY_TASK_COUNT</c>),
/// a Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c> with <c>--shard-count K</c>), or none of these (all runs).
/// </summary>
public sealed record ShardAssignment(int Index, int Count, string Source)
{
    /// <summary>Slurm's index of an array task, as given to <c>sbatch --array</c> (it need not start at 0).</summary>
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID";

    /// <summary>Slurm's smallest index of the array.</summary>
    public const string SlurmTaskMin = "SLURM_ARRAY_TASK_MIN";

    /// <summary>Slurm's largest index of the array.</summary>
    public const string SlurmTaskMax = "SLURM_ARRAY_TASK_MAX";

    /// <summary>Slurm's step between indices (<c>--array=0-9:2</c>).</summary>
    public const string SlurmTaskStep = "SLURM_ARRAY_TASK_STEP";

    /// <summary>Slurm's number of tasks in the array.</summary>
    public const string SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>Kubernetes' index of a pod of an Indexed Job, 0 to completions − 1.</summary>
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";

    private const string CommandLine = "command line";
    private const string EnvironmentSource = "environment";

    /// <summary>Whether this is the whole sweep (one shard of one).</summary>
    public bool IsWhole => Count == 1;

    /// <summary>
    /// The shard from <c>--shard i/k</c> (<paramref name="shard"/>) when given; else from a Slurm array task; else from
    /// <c>JOB_COMPLETION_INDEX</c> and <c>--shard-count K</c> (<paramref name="shardCount"/>); else all runs.
    /// <paramref name="environment"/> reads a variable (null or empty when unset). Bad or inconsistent values throw
    /// <see cref="InvalidInputException"/> naming the option or variable.
    /// </summary>
    public static ShardAssignment Resolve(string? shard, string? shardCount, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        int? count = shardCount is null ? null : ParseShardCount(shardCount);
        if (shard is not null)
        {
            if (count is not null)
                throw new InvalidInputException(CommandLine, "--shard-count", "give either --shard i/k or --shard-count K, not both");
            return Parse(shard);
        }
        string? Read(string name) => environment(name)?.Trim() is { Length: > 0 } v ? v : null;
        if (Read(SlurmTaskId) is { } id) return FromSlurm(id, Read, count);
        if (Read(KubernetesIndex) is { } index) return FromKubernetes(index, count);
        if (count is not null)
            throw new InvalidInputException(CommandLine, "--shard-count",
                $"needs {KubernetesIndex} (set in a Kubernetes Indexed Job) or {SlurmTaskId} in the environment; to pick a shard by hand use --shard i/k");
        return new ShardAssignment(0, 1, $"no --shard, {SlurmTaskId} or {KubernetesIndex}");
    }

    /// <summary><see cref="Resolve(string?, string?, Func{string, string?})"/> with this process's environment.</summary>
    public static ShardAssignment Resolve(string? shard, string? shardCount) =>
        Resolve(shard, shardCount, Environment.GetEnvironmentVariable);

    /// <summary>The shard of <c>--shard i/k</c>, 0 ≤ i &lt; k.</summary>
    public static ShardAssignment Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && TryParseNatural(parts[0], out int i) && TryParseNatural(parts[1], out int k) && k >= 1 && i < k)
            return new ShardAssignment(i, k, $"--shard {i}/{k}");
        throw new InvalidInputException(CommandLine, "--shard", $"'{text}' is not i/k with 0 ≤ i < k");
    }

    /// <summary>"shard 1/3 from SLURM_ARRAY_TASK_ID=1, …", or "all runs (…)" for one shard of one.</summary>
    public override string ToString() => IsWhole ? $"all runs ({Source})" : $"shard {Index}/{Count} from {Source}";

    private static ShardAssignment FromSlurm(string idText, Func<string, string?> read, int? shardCount)
    {
        int id = Natural(EnvironmentSource, SlurmTaskId, idText);
        int min = read(SlurmTaskMin) is { } minText ? Natural(EnvironmentSource, SlurmTaskMin, minText) : 0;
        int step = read(SlurmTaskStep) is { } stepText ? Natural(EnvironmentSource, SlurmTaskStep, stepText) : 1;
        if (step < 1) throw new InvalidInputException(EnvironmentSource, SlurmTaskStep, $"'{step}' must be at least 1");
        int count = read(SlurmTaskCount) is { } countText ? Natural(EnvironmentSource, SlurmTaskCount, countText)
            : shardCount ?? throw new InvalidInputException(EnvironmentSource, SlurmTaskCount,
                $"is not set although {SlurmTaskId}={id} is (Slurm before 18.08?); give the number of array tasks as --shard-count K");
        if (count < 1) throw new InvalidInputException(EnvironmentSource, SlurmTaskCount, $"'{count}' must be at least 1");
        if (shardCount is { } k && k != count)
            throw new InvalidInputException(CommandLine, "--shard-count", $"{k} disagrees with {SlurmTaskCount}={count}");
        if (id < min)
            throw new InvalidInputException(EnvironmentSource, SlurmTaskId, $"{id} is below {SlurmTaskMin}={min}");
        // A shard is a position in an evenly spaced array (--array=0-(k−1), or MIN-MAX:STEP); a list such as
        // --array=1,5,7 has no such position, and every one of its tasks says so rather than some running twice.
        if (read(SlurmTaskMax) is { } maxText && Natural(EnvironmentSource, SlurmTaskMax, maxText) is int max
            && (max < min || (max - min) % step != 0 || (max - min) / step + 1 != count))
            throw new InvalidInputException(EnvironmentSource, SlurmTaskMax,
                $"the array {min}..{max} (step {step}) does not hold {SlurmTaskCount}={count} evenly spaced tasks; submit it as --array=0-{count - 1}");
        if ((id - min) % step != 0 || (id - min) / step >= count)
            throw new InvalidInputException(EnvironmentSource, SlurmTaskId,
                $"{id} is not one of the {count} tasks {min}, {min + step}, … of the array; submit it as --array=0-{count - 1}");
        int index = (id - min) / step;
        string source = $"{SlurmTaskId}={id}, {SlurmTaskMin}={min}, " + (step == 1 ? "" : $"{SlurmTaskStep}={step}, ") + $"{SlurmTaskCount}={count}";
        return new ShardAssignment(index, count, source);
    }

    private static ShardAssignment FromKubernetes(string indexText, int? shardCount)
    {
        int index = Natural(EnvironmentSource, KubernetesIndex, indexText);
        int count = shardCount ?? throw new InvalidInputException(CommandLine, "--shard-count",
            $"is required with {KubernetesIndex}={index} (a Kubernetes Indexed Job): give the Job's completions, or --shard 0/1 to run every run");
        if (index >= count)
            throw new InvalidInputException(EnvironmentSource, KubernetesIndex, $"{index} is not below --shard-count {count} (the Job's completions)");
        return new ShardAssignment(index, count, $"{KubernetesIndex}={index}, --shard-count {count}");
    }

    private static int ParseShardCount(string text) =>
        TryParseNatural(text, out int k) && k >= 1 ? k
        : throw new InvalidInputException(CommandLine, "--shard-count", $"'{text}' is not a whole number ≥ 1");

    private static int Natural(string file, string field, string text) =>
        TryParseNatural(text, out int n) ? n : throw new InvalidInputException(file, field, $"'{text}' is not a whole number ≥ 0");

    private static bool TryParseNatural(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
