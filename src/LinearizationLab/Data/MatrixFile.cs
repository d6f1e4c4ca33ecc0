namespace LinearizationLab.Data;

/// <summary>
/// A matrix in a file of any format the lab reads or writes. Reading goes by the name: <c>x.npy</c> is a .npy file
/// (<see cref="NpyFile"/>), <c>data.npz:x_train</c> the array x_train of an .npz (<see cref="NpzFile"/>; a bare <c>data.npz</c>
/// is its only array), anything else CSV (<see cref="CsvMatrix"/>). Writing goes by a <see cref="MatrixFormat"/>, by default
/// npy for arrays of more than <see cref="NpyDefaultAbove"/> entries and CSV up to that.
/// </summary>
public static class MatrixFile
{
    /// <summary>
    /// The size above which arrays are written as .npy unless a format is given: a million entries, a 1000 × 1000 kernel,
    /// about 19 MB as CSV and 8 MB as npy.
    /// </summary>
    public const long NpyDefaultAbove = 1_000_000;

    /// <summary>The format the lab writes when none is asked for: npy when the largest array written has more than <see cref="NpyDefaultAbove"/> entries, else CSV.</summary>
    public static MatrixFormat DefaultFormat(long largestEntries) =>
        largestEntries > NpyDefaultAbove ? MatrixFormat.Npy : MatrixFormat.Csv;

    /// <summary>Parses a format's name as the command line gives it: <c>npy</c> or <c>csv</c> (any case).</summary>
    public static bool TryParseFormat(string? text, out MatrixFormat format)
    {
        switch (text?.ToLowerInvariant())
        {
            case "npy":
                format = MatrixFormat.Npy;
                return true;
            case "csv":
                format = MatrixFormat.Csv;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The file name extension of <paramref name="format"/>: <c>.csv</c> or <c>.npy</c>.</summary>
    public static string Extension(MatrixFormat format) => format == MatrixFormat.Npy ? NpyFile.Extension : ".csv";

    /// <summary>The file name of an array named <paramref name="stem"/> (e.g. <c>ntk</c>) in <paramref name="format"/>: <c>ntk.npy</c>.</summary>
    public static string FileName(string stem, MatrixFormat format) => stem + Extension(format);

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/> in <paramref name="format"/>, atomically; only finite values.</summary>
    /// <exception cref="OutputWriteException">The file system refused the write.</exception>
    public static void Write(string path, double[,] matrix, MatrixFormat format)
    {
        if (format == MatrixFormat.Npy) NpyFile.Write(path, matrix);
        else CsvMatrix.Write(path, matrix);
    }

    /// <summary>
    /// Reads the matrix <paramref name="reference"/> names: a CSV or .npy path, <c>ARCHIVE.npz:ARRAY</c>, or a bare
    /// <c>ARCHIVE.npz</c>, which means its only array, or else the one named <paramref name="defaultArray"/>.
    /// </summary>
    /// <exception cref="InvalidInputException">The file is missing or malformed, or an archive's array is not named and not
    /// unique (field "(file)", listing the arrays).</exception>
    public static double[,] Read(string reference, string? defaultArray = null)
    {
        var (path, array) = SplitReference(reference);
        if (IsNpz(path))
        {
            if (array is null)
            {
                var names = NpzFile.ArrayNames(path);
                array = SelectArray(names, null, defaultArray)
                    ?? throw new InvalidInputException(path, "(file)", $"{NpzFile.Listing(names)}; name one as {path}:NAME");
            }
            return NpzFile.Read(path, array);
        }
        return path.EndsWith(NpyFile.Extension, StringComparison.OrdinalIgnoreCase) ? NpyFile.Read(path) : CsvMatrix.Read(path);
    }

    /// <summary>
    /// Splits <c>ARCHIVE.npz:ARRAY</c> into the archive's path and the array's name; any other reference (and a bare
    /// <c>ARCHIVE.npz</c>) is a path without an array name.
    /// </summary>
    public static (string Path, string? Array) SplitReference(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        const string marker = NpzFile.Extension + ":";
        int at = reference.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return (reference, null);
        string array = reference[(at + marker.Length)..];
        return (reference[..(at + NpzFile.Extension.Length)], array.Length == 0 ? null : array);
    }

    /// <summary>Whether <paramref name="path"/> names an .npz archive (by its extension, in any case).</summary>
    public static bool IsNpz(string path) =>
        path?.EndsWith(NpzFile.Extension, StringComparison.OrdinalIgnoreCase) ?? throw new ArgumentNullException(nameof(path));

    /// <summary>
    /// The array of an archive holding <paramref name="names"/> that a reference means: <paramref name="requested"/> if the
    /// archive has it; without a request, the only array, or else <paramref name="fallback"/> if present; null when none fits.
    /// </summary>
    internal static string? SelectArray(IReadOnlyList<string> names, string? requested, string? fallback)
    {
        if (requested is not null) return names.Contains(requested) ? requested : null;
        if (names.Count == 1) return names[0];
        return fallback is not null && names.Contains(fallback) ? fallback : null;
    }
}
