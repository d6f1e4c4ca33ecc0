namespace LinearizationLab.Experiments;

/// <summary>
/// Where a sweep is: runs finished (including ones found on disk), the total, the run now going (width, seed,
/// phase, and the fraction of that phase done), and <paramref name="WorkFraction"/>, the share of this call's work
/// done, weighting each run by its parameter count (a run's cost grows with it), from which an ETA follows.
/// </summary>
public readonly record struct SweepProgress(int Done, int Total, int Width, long Seed, string Phase, double Fraction, double WorkFraction = 0);
