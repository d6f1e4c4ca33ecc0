using System.Globalization;
using System.Text;

namespace LinearizationLab.Data;

/// <summary>
/// Matrices as CSV files (docs/ARCHITECTURE.md, "File formats"): one row per line, comma separated, no header, numbers in the
/// invariant culture. Writing uses the shortest round-trip format ("R"), so a matrix read back is
/// bit-identical (−0 included), and replaces the file atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class CsvMatrix
{
    /// <summary>
    /// Reads a matrix. Errors are <see cref="InvalidInputException"/>s with field "line N" (1-based) and a
    /// reason naming the column (1-based), e.g. "column 2 is not a number ('abc')"; rows must have equal
    /// lengths, values must be finite, and the file must hold at least one row. Blank lines at the end are ignored.
    /// </summary>
    public static double[,] Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "(file)", "file not found");
        var rows = new List<double[]>();
        int lineNumber = 0, blankAfter = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (blankAfter == 0) blankAfter = lineNumber;
                continue;
            }
            if (blankAfter != 0)
                throw new InvalidInputException(path, $"line {blankAfter}", "empty row");
            var row = ParseRow(path, lineNumber, line);
            if (rows.Count > 0 && row.Length != rows[0].Length)
                throw new InvalidInputException(path, $"line {lineNumber}",
                    $"has {row.Length} columns but line 1 has {rows[0].Length}");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InvalidInputException(path, "(file)", "has no rows");
        var m = new double[rows.Count, rows[0].Length];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>
    /// Writes <paramref name="matrix"/> with the round-trip "R" format in the invariant culture to a temporary
    /// file in the same directory, then moves it over <paramref name="path"/> (<see cref="AtomicFile"/>), so readers never
    /// see a partial file. Non-finite values are rejected (they could not be read back).
    /// </summary>
    /// <exception cref="OutputWriteException">The file system refused the write.</exception>
    public static void Write(string path, double[,] matrix)
    {
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        if (rows == 0 || cols == 0) throw new ArgumentException($"matrix is {rows}×{cols}; a CSV matrix needs at least one row and column");
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (!double.IsFinite(matrix[i, j]))
                    throw new ArgumentException($"entry ({i},{j}) is {matrix[i, j]}; only finite values can be written");
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var line = new StringBuilder();
            for (int i = 0; i < rows; i++)
            {
                line.Clear();
                for (int j = 0; j < cols; j++)
                {
                    if (j > 0) line.Append(',');
                    line.Append(matrix[i, j].ToString("R", CultureInfo.InvariantCulture));
                }
                writer.Write(line);
                writer.Write('\n');
            }
        });
    }

    /// <summary>A row-major copy of the matrix (rows × columns), the layout of <see cref="Dataset"/>.</summary>
    public static double[] ToRowMajor(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(double));
        return flat;
    }

    /// <summary>A rows × columns matrix from row-major values.</summary>
    public static double[,] FromRowMajor(double[] values, int rows, int columns)
    {
        if (values.Length != rows * columns)
            throw new ArgumentException($"{values.Length} values do not fill a {rows}×{columns} matrix");
        var m = new double[rows, columns];
        Buffer.BlockCopy(values, 0, m, 0, values.Length * sizeof(double));
        return m;
    }

    private static double[] ParseRow(string path, int lineNumber, string line)
    {
        string[] cells = line.Split(',');
        var row = new double[cells.Length];
        for (int j = 0; j < cells.Length; j++)
        {
            string cell = cells[j].Trim();
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new InvalidInputException(path, $"line {lineNumber}",
                    cell.Length == 0 ? $"column {j + 1} is empty" : $"column {j + 1} is not a number ('{Shorten(cell)}')");
            if (!double.IsFinite(v))
                throw new InvalidInputException(path, $"line {lineNumber}", $"column {j + 1} is not a finite number ('{Shorten(cell)}')");
            row[j] = v;
        }
        return row;
    }

    private static string Shorten(string cell) => cell.Length <= 24 ? cell : cell[..24] + "…";
}
