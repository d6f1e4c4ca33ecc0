namespace LinearizationLab.Experiments;

/// <summary>One (width, seed) run of a sweep; <paramref name="Index"/> is its position in the sweep's fixed order.</summary>
public sealed record SweepRunKey(int Index, int Width, long Seed)
{
    /// <summary>The result file name of this run, e.g. <c>w0512-s3.json</c>.</summary>
    public string FileName => $"w{Width:D4}-s{Seed}.json";

    /// <summary>Whether this run belongs to shard <paramref name="shard"/> of <paramref name="shardCount"/> (every k-th run).</summary>
    public bool InShard(int shard, int shardCount) => Index % shardCount == shard;
}
