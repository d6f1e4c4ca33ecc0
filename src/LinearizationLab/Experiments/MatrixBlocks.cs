namespace LinearizationLab.Experiments;

/// <summary>Blocks of kernel and output matrices: the train rows of a [train; test] kernel, the corner kept for heatmaps.</summary>
public static class MatrixBlocks
{
    /// <summary>Rows [start, start + count) of a matrix, all columns.</summary>
    public static double[,] Rows(double[,] m, int start, int count) => Block(m, start, count, 0, m.GetLength(1));

    /// <summary>The leading n×n block.</summary>
    public static double[,] Corner(double[,] m, int n) => Block(m, 0, n, 0, n);

    /// <summary>The leading block of at most <paramref name="size"/>×<paramref name="size"/>, as rows (for JSON).</summary>
    public static double[][] CornerRows(double[,] m, int size)
    {
        int n = Math.Min(size, Math.Min(m.GetLength(0), m.GetLength(1)));
        return Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => m[i, j]).ToArray()).ToArray();
    }

    private static double[,] Block(double[,] m, int row, int rows, int col, int cols)
    {
        var b = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            b[i, j] = m[row + i, col + j];
        return b;
    }
}
