using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>
/// The .npy/.npz files NumPy wrote for the tests (fixtures/npy, made by fixtures/npy/make_fixtures.py) and the formula
/// their values follow, so each element is known to the last bit.
/// </summary>
internal static class NpyFixtures
{
    /// <summary>The path of fixture <paramref name="name"/>.</summary>
    public static string File(string name) =>
        Path.Combine(RepositoryRoot.Locate(), "tests", "LinearizationLab.Tests", "Data", "fixtures", "npy", name);

    /// <summary>The script's grid(r, c): (i·c + j + 1)/7 in float64, the same IEEE division NumPy does.</summary>
    public static double[,] Grid(int rows, int columns)
    {
        var m = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) m[i, j] = (i * columns + j + 1) / 7.0;
        return m;
    }

    /// <summary><see cref="Grid"/> with every element rounded as <paramref name="round"/> does (to float32 or float16 and back).</summary>
    public static double[,] Grid(int rows, int columns, Func<double, double> round)
    {
        var m = Grid(rows, columns);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) m[i, j] = round(m[i, j]);
        return m;
    }

    /// <summary>Asserts equal shapes and equal bits, element by element (−0 and +0 differ).</summary>
    public static void AssertBitEqual(double[,] expected, double[,] actual)
    {
        Assert.Equal((expected.GetLength(0), expected.GetLength(1)), (actual.GetLength(0), actual.GetLength(1)));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i, j]) == BitConverter.DoubleToInt64Bits(actual[i, j]),
                    $"[{i}, {j}]: expected {expected[i, j]:R}, got {actual[i, j]:R}");
    }
}
