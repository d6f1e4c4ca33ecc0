namespace LinearizationLab.Training;

/// <summary>Checkpoint steps for a run of T steps.</summary>
public static class CheckpointSchedule
{
    /// <summary>
    /// 0, T and about <paramref name="perDecade"/> log-spaced steps per decade in between
    /// (rounded, duplicates removed): the default, since drift is read on log-time axes.
    /// </summary>
    public static int[] LogSpaced(int steps, int perDecade = 5)
    {
        var set = new SortedSet<int> { 0, steps };
        if (steps >= 1)
        {
            double decades = Math.Log10(steps);
            int count = Math.Max(1, (int)Math.Ceiling(decades * perDecade));
            for (int k = 0; k <= count; k++)
                set.Add((int)Math.Round(Math.Pow(10, decades * k / count)));
        }
        return set.Where(s => s <= steps).ToArray();
    }
}
