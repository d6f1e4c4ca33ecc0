namespace LinearizationLab.Training;

/// <summary>
/// Which training examples each step uses: all of them (full batch), or minibatches drawn by
/// reshuffling the examples each epoch with a generator seeded once per run. A short last batch
/// of an epoch is dropped, so every step sees exactly BatchSize examples.
/// </summary>
public sealed class BatchSchedule
{
    private readonly int _count;
    private readonly int? _batchSize;
    private readonly Random _random;
    private int[] _order = [];
    private int _position;

    /// <summary>A schedule over <paramref name="count"/> examples; <paramref name="batchSize"/> null or ≥ count means full batch.</summary>
    public BatchSchedule(int count, int? batchSize, long seed)
    {
        _count = count;
        _batchSize = batchSize is { } b && b < count ? b : null;
        _random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
    }

    /// <summary>Whether each step uses every example.</summary>
    public bool IsFullBatch => _batchSize is null;

    /// <summary>Indices of the examples of the next step (null for full batch).</summary>
    public long[]? Next()
    {
        if (_batchSize is not { } b) return null;
        if (_position + b > _order.Length)
        {
            _order = Enumerable.Range(0, _count).ToArray();
            _random.Shuffle(_order);
            _position = 0;
        }
        var batch = new long[b];
        for (int i = 0; i < b; i++) batch[i] = _order[_position + i];
        _position += b;
        return batch;
    }
}
