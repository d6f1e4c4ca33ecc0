namespace LinearizationLab.Data;

/// <summary>
/// Independent seeds for the separate random streams of one dataset (teacher weights, train draws,
/// test draws): SplitMix64 (Steele, Lea and Flood 2014) of the user's seed and a stream number,
/// so that equal user seeds for two streams never give correlated draws.
/// </summary>
internal static class SeedStream
{
    public const int Teacher = 1;
    public const int Train = 2;
    public const int Test = 3;

    /// <summary>A 31-bit seed for <c>System.Random</c>, a fixed function of (seed, stream).</summary>
    public static int Derive(long seed, int stream)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(stream + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }
}
