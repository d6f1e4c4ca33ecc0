namespace LinearizationLab.Experiments;

/// <summary>Where a sweep is: runs finished (including ones found on disk), the total, and the run now going (width, seed, phase).</summary>
public readonly record struct SweepProgress(int Done, int Total, int Width, long Seed, string Phase, double Fraction);
