namespace LinearizationLab.Tests;

/// <summary>Matrix comparisons for the tests: entries agree within a tolerance relative to the expected matrix's largest entry.</summary>
internal static class MatrixAssert
{
    /// <summary>Same shape, and max_ij |expected − actual| ≤ <paramref name="relative"/>·max_ij |expected|.</summary>
    public static void Close(double[,] expected, double[,] actual, double relative)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        double scale = 0, max = 0;
        for (int i = 0; i < expected.GetLength(0); i++)
        for (int j = 0; j < expected.GetLength(1); j++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i, j]));
            max = Math.Max(max, Math.Abs(expected[i, j] - actual[i, j]));
        }
        Assert.True(max <= relative * scale, $"max difference {max} vs scale {scale}");
    }
}
