namespace LinearizationLab.Experiments;

/// <summary>
/// Where a sweep is: runs finished (including ones found on disk), the total, the run now going (width, seed,
/// phase, and the fraction of that phase done), <paramref name="WorkFraction"/>, the share of this call's work
/// done (by time once the remaining time is known, by parameter count before), and
/// <paramref name="SecondsRemaining"/>, the estimated time left (<see cref="SweepEta"/>; null while unknown), and the run's
/// grid point (<see cref="GridPoint.Label"/>, empty for a plain width sweep).
/// </summary>
public readonly record struct SweepProgress(int Done, int Total, int Width, long Seed, string Phase, double Fraction,
    double WorkFraction = 0, double? SecondsRemaining = null, string Point = "")
{
    /// <summary>"width 512 seed 3", after the grid point when there is one.</summary>
    public string Run => (Point.Length > 0 ? Point + ", " : "") + $"width {Width} seed {Seed}";
}
