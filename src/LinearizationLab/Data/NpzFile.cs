using System.IO.Compression;

namespace LinearizationLab.Data;

/// <summary>
/// NumPy .npz archives (<c>numpy.savez</c>, <c>savez_compressed</c>): a zip of .npy files, one per named array, stored or
/// deflated. Each array is read as a matrix by <see cref="NpyFile"/>'s rules; errors name the archive and the array.
/// </summary>
public static class NpzFile
{
    /// <summary>The file name extension of an .npz archive.</summary>
    public const string Extension = ".npz";

    /// <summary>The names of the arrays in the archive (its entries without ".npy"), in the archive's order.</summary>
    /// <exception cref="InvalidInputException">The file is missing or not a zip archive (field "(file)").</exception>
    public static IReadOnlyList<string> ArrayNames(string path)
    {
        using var zip = Open(path);
        return [.. zip.Entries.Select(e => ArrayName(e.FullName))];
    }

    /// <summary>
    /// Reads the array <paramref name="array"/> as a matrix. Errors are <see cref="InvalidInputException"/>s naming the archive
    /// and, as the field, "(file)" (missing, not a zip) or the array (absent, corrupt compressed data, or anything
    /// <see cref="NpyFile.Read(string)"/> rejects).
    /// </summary>
    public static double[,] Read(string path, string array)
    {
        ArgumentNullException.ThrowIfNull(array);
        using var zip = Open(path);
        var entry = zip.Entries.FirstOrDefault(e => ArrayName(e.FullName) == array)
            ?? throw new InvalidInputException(path, array, $"no such array in the archive ({Listing(zip.Entries.Select(e => ArrayName(e.FullName)))})");
        try
        {
            using var stream = entry.Open();
            return NpyFile.Read(stream, entry.Length, path, array);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, array, $"corrupt archive entry {entry.FullName} ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>
    /// Writes the named matrices as a zip of float64 .npy files (NAME.npy), deflated when <paramref name="compressed"/> (as
    /// <c>numpy.savez_compressed</c>) and stored otherwise (as <c>numpy.savez</c>), atomically.
    /// </summary>
    /// <exception cref="OutputWriteException">The file system refused the write.</exception>
    public static void Write(string path, IReadOnlyList<(string Name, double[,] Matrix)> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (arrays.Count == 0) throw new ArgumentException("an archive needs at least one array", nameof(arrays));
        foreach (var (name, matrix) in arrays)
        {
            if (string.IsNullOrEmpty(name) || name.IndexOfAny(['/', '\\', ':']) >= 0)
                throw new ArgumentException($"'{name}' is not an array name (no slashes or colons)", nameof(arrays));
            try { NpyFile.CheckWritable(matrix); }
            catch (ArgumentException e) { throw new ArgumentException($"array '{name}': {e.Message}", nameof(arrays), e); }
        }
        var level = compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, matrix) in arrays)
            {
                using var entry = zip.CreateEntry(name + NpyFile.Extension, level).Open();
                NpyFile.WriteTo(entry, matrix);
            }
        });
    }

    /// <summary>The array names as an error lists them: "it holds x_train, y_train".</summary>
    internal static string Listing(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "it holds no arrays" : $"it holds {string.Join(", ", list)}";
    }

    private static string ArrayName(string entry) =>
        entry.EndsWith(NpyFile.Extension, StringComparison.Ordinal) ? entry[..^NpyFile.Extension.Length] : entry;

    private static ZipArchive Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new InvalidInputException(path, "(file)", "file not found");
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, "(file)", $"is not a zip archive, as an .npz must be ({e.Message.TrimEnd('.')})");
        }
    }
}
