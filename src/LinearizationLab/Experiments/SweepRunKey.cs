namespace LinearizationLab.Experiments;

/// <summary>
/// One (grid point, width, seed) run of a sweep; <paramref name="Index"/> is its position in the sweep's fixed order.
/// </summary>
public sealed record SweepRunKey(int Index, int Width, long Seed)
{
    /// <summary>The grid point (the origin for a plain width sweep).</summary>
    public GridPoint Point { get; init; } = GridPoint.Origin;

    /// <summary>The result file name of this run, e.g. <c>w0512-s3.json</c>, or <c>depth4-w0512-s3.json</c> on a grid.</summary>
    public string FileName => $"{Point.FilePrefix}w{Width:D4}-s{Seed}.json";

    /// <summary>Whether this run belongs to shard <paramref name="shard"/> of <paramref name="shardCount"/> (every k-th run).</summary>
    public bool InShard(int shard, int shardCount) => Index % shardCount == shard;
}
