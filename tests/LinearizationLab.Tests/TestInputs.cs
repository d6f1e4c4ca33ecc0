namespace LinearizationLab.Tests;

/// <summary>Input matrices for kernel tests, one example per row.</summary>
internal static class TestInputs
{
    /// <summary>n × d entries uniform on [−1, 1) from a seeded generator.</summary>
    public static double[,] Uniform(int n, int d, int seed)
    {
        var random = new Random(seed);
        var x = new double[n, d];
        for (int i = 0; i < n; i++)
        for (int f = 0; f < d; f++)
            x[i, f] = 2 * random.NextDouble() - 1;
        return x;
    }
}
