using System.Buffers.Binary;
using System.IO.Compression;

namespace LinearizationLab.Data;

/// <summary>
/// An unsigned-byte IDX file (LeCun's MNIST format), raw or gzip-compressed: a big-endian header
/// of magic 0x0000_08_nd (type 0x08 = ubyte, nd = number of dimensions), nd big-endian 32-bit sizes,
/// then prod(sizes) bytes in row-major order. Compression is detected from the gzip magic 1f 8b.
/// </summary>
public sealed class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The file the contents were read from.</summary>
    public string Path { get; }

    /// <summary>The sizes from the header, outermost first (e.g. [N, 28, 28] for images, [N] for labels).</summary>
    public int[] Dimensions { get; }

    /// <summary>The payload, prod(<see cref="Dimensions"/>) bytes in row-major order.</summary>
    public byte[] Data { get; }

    /// <summary>
    /// Reads and validates an IDX file. Errors are <see cref="InvalidInputException"/>s naming the file and
    /// "(file)" (missing), "(header)" (bad magic, unsupported type, bad sizes) or "(data)" (payload length).
    /// </summary>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "(file)", "file not found");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            bytes = Decompress(path, bytes);
        return Parse(path, bytes);
    }

    /// <summary>Parses the bytes of an uncompressed IDX file, attributing errors to <paramref name="path"/>.</summary>
    public static IdxFile Parse(string path, byte[] bytes)
    {
        if (bytes.Length < 4)
            throw new InvalidInputException(path, "(header)", $"file has {bytes.Length} bytes, too short for the 4-byte IDX magic number");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidInputException(path, "(header)", $"magic number 0x{magic:X8} is not an IDX magic number (0x000008nn)");
        if (bytes[2] != UnsignedByteType)
            throw new InvalidInputException(path, "(header)",
                $"magic number 0x{magic:X8} has data type 0x{bytes[2]:X2}; only unsigned bytes (0x08) are supported");
        int rank = bytes[3];
        if (rank == 0)
            throw new InvalidInputException(path, "(header)", $"magic number 0x{magic:X8} declares 0 dimensions");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new InvalidInputException(path, "(header)",
                $"header declares {rank} dimensions ({headerLength} bytes) but the file has only {bytes.Length} bytes");
        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (size > int.MaxValue)
                throw new InvalidInputException(path, "(header)", $"dimension {i} has size {size}, too large");
            dims[i] = (int)size;
            expected *= size;
            if (expected > Array.MaxLength)
                throw new InvalidInputException(path, "(header)", $"sizes [{string.Join(",", dims.Take(i + 1))}] describe more than {Array.MaxLength} bytes");
        }
        long actual = bytes.Length - headerLength;
        if (actual != expected)
            throw new InvalidInputException(path, "(data)",
                $"sizes [{string.Join(",", dims)}] need {expected} payload bytes but the file has {actual}" +
                (actual < expected ? " (truncated)" : " (trailing bytes)"));
        return new IdxFile(path, dims, bytes[headerLength..]);
    }

    private static byte[] Decompress(string path, byte[] compressed)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, "(file)", $"corrupt gzip data ({e.Message.TrimEnd('.')})");
        }
    }
}
