using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LinearizationLab.Data;

/// <summary>
/// Matrices as NumPy .npy files (format versions 1.0–3.0). Reading accepts float16/32/64, int8–64, uint8–64 and bool, C or
/// Fortran order, either byte order, and gives a float64 matrix with one example per row: shape (N,) is N × 1 and
/// (N, d1, …, dk) is N × d1·…·dk flattened in C order. Writing is float64 (or float32) little-endian in C order, atomic.
/// </summary>
public static class NpyFile
{
    /// <summary>The file name extension of a .npy file.</summary>
    public const string Extension = ".npy";

    /// <summary>Elements converted or copied per read or write call.</summary>
    private const int ChunkElements = 1 << 20;

    /// <summary>
    /// Reads a matrix. Errors are <see cref="InvalidInputException"/>s naming the file and "(file)" (missing), "(header)" (bad
    /// magic, a pickle, objects, strings, complex or structured dtypes, a 0-d or empty shape) or "(data)" (truncated, trailing
    /// bytes, a NaN or infinity at a row and column counted from 0).
    /// </summary>
    public static double[,] Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new InvalidInputException(path, "(file)", "file not found");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, stream.Length, path, null);
    }

    /// <summary>
    /// Writes <paramref name="matrix"/> as float64, little-endian, C order, to a temporary file that then replaces
    /// <paramref name="path"/> (<see cref="AtomicFile"/>). Only finite values of a non-empty matrix can be written, as for CSV.
    /// </summary>
    /// <exception cref="OutputWriteException">The file system refused the write.</exception>
    public static void Write(string path, double[,] matrix)
    {
        CheckWritable(matrix);
        AtomicFile.Write(path, stream => WriteTo(stream, matrix));
    }

    /// <summary>Writes <paramref name="matrix"/> as float32, little-endian, C order, atomically (as <see cref="Write(string, double[,])"/>).</summary>
    /// <exception cref="OutputWriteException">The file system refused the write.</exception>
    public static void Write(string path, float[,] matrix)
    {
        CheckWritable(matrix);
        AtomicFile.Write(path, stream => WriteTo(stream, matrix));
    }

    /// <summary>
    /// Reads a .npy array of <paramref name="length"/> bytes from <paramref name="stream"/> as a matrix; errors name
    /// <paramref name="file"/> and, inside an .npz, the <paramref name="array"/> instead of "(header)" or "(data)".
    /// </summary>
    internal static double[,] Read(Stream stream, long length, string file, string? array)
    {
        var header = NpyHeader.Read(stream, length, reason => Error(file, array, "(header)", reason));
        var type = header.DataType;
        string described = $"shape {NpyHeader.FormatShape(header.Shape)} of {type.Name}";
        var (rows, columns) = MatrixShape(header, reason => Error(file, array, "(header)", reason));
        long needed = header.Count * type.Size, available = length - header.DataOffset;
        if (available < needed)
            throw Error(file, array, "(data)", $"truncated: {described} needs {needed} bytes of data but the file has {available}");
        if (available > needed)
            throw Error(file, array, "(data)", $"has {available - needed} bytes after the data of {described}");

        var matrix = new double[rows, columns];
        var values = Elements(matrix);
        try
        {
            if (header.FortranOrder && header.Shape.Length > 1)
            {
                var stored = new double[values.Length];
                Fill(stream, type, stored);
                FromFortranOrder(stored, values, header.Shape);
            }
            else
            {
                Fill(stream, type, values);
            }
        }
        catch (EndOfStreamException)
        {
            throw Error(file, array, "(data)", $"truncated: the data of {described} ends early");
        }
        if (type.IsFloat)
            for (int k = 0; k < values.Length; k++)
                if (!double.IsFinite(values[k]))
                    throw Error(file, array, "(data)",
                        $"row {k / columns}, column {k % columns} (counted from 0) is {values[k]}; only finite numbers are read");
        return matrix;
    }

    /// <summary>Writes the .npy bytes of <paramref name="matrix"/> (float64, little-endian, C order) to <paramref name="stream"/>.</summary>
    internal static void WriteTo(Stream stream, double[,] matrix)
    {
        stream.Write(NpyHeader.Bytes(NpyDataType.Float64, [matrix.GetLength(0), matrix.GetLength(1)]));
        WriteLittleEndian<double>(stream, Elements(matrix), (b, v) => BinaryPrimitives.WriteDoubleLittleEndian(b, v));
    }

    /// <summary>Writes the .npy bytes of <paramref name="matrix"/> (float32, little-endian, C order) to <paramref name="stream"/>.</summary>
    internal static void WriteTo(Stream stream, float[,] matrix)
    {
        stream.Write(NpyHeader.Bytes(NpyDataType.Float32, [matrix.GetLength(0), matrix.GetLength(1)]));
        WriteLittleEndian<float>(stream, Elements(matrix), (b, v) => BinaryPrimitives.WriteSingleLittleEndian(b, v));
    }

    /// <summary>The error for a .npy file, or for <paramref name="array"/> inside an .npz (then the array is the field, not <paramref name="part"/>).</summary>
    internal static InvalidInputException Error(string file, string? array, string part, string reason) =>
        new(file, array ?? part, reason);

    /// <summary>The rows and columns of the matrix an array is read as: its first axis by the product of the others.</summary>
    private static (int Rows, int Columns) MatrixShape(NpyHeader header, Func<string, InvalidInputException> error)
    {
        var shape = header.Shape;
        if (shape.Length == 0)
            throw error($"holds a 0-d array (a single {header.DataType.Name}); a matrix needs shape (N,) or (N, d, …)");
        if (shape.Any(n => n == 0))
            throw error($"holds an empty array of shape {NpyHeader.FormatShape(shape)}");
        long columns = 1;
        foreach (long n in shape.Skip(1))
        {
            columns *= n;
            if (columns > Array.MaxLength) break;
        }
        if (shape[0] > Array.MaxLength || columns > Array.MaxLength || (double)shape[0] * columns > Array.MaxLength)
            throw error($"shape {NpyHeader.FormatShape(shape)} has more elements than one array can hold ({Array.MaxLength})");
        return ((int)shape[0], (int)columns);
    }

    /// <summary>Reads whole elements of <paramref name="type"/> into <paramref name="destination"/>: copied when they are this machine's doubles, else converted.</summary>
    private static void Fill(Stream stream, NpyDataType type, Span<double> destination)
    {
        if (type.IsNativeFloat64)
        {
            for (int start = 0; start < destination.Length; start += ChunkElements)
                stream.ReadExactly(MemoryMarshal.AsBytes(destination.Slice(start, Math.Min(ChunkElements, destination.Length - start))));
            return;
        }
        var buffer = new byte[(long)Math.Min(ChunkElements, destination.Length) * type.Size];
        for (int start = 0; start < destination.Length; start += ChunkElements)
        {
            int count = Math.Min(ChunkElements, destination.Length - start);
            var bytes = buffer.AsSpan(0, count * type.Size);
            stream.ReadExactly(bytes);
            type.ToDouble(bytes, destination.Slice(start, count));
        }
    }

    /// <summary>
    /// Rearranges <paramref name="stored"/>, an array of <paramref name="shape"/> in Fortran order (first index fastest), into
    /// C order (last index fastest).
    /// </summary>
    private static void FromFortranOrder(ReadOnlySpan<double> stored, Span<double> destination, long[] shape)
    {
        int rank = shape.Length;
        if (rank == 2)
        {
            int rows = (int)shape[0], columns = (int)shape[1];
            for (int j = 0, f = 0; j < columns; j++)
                for (int i = 0; i < rows; i++, f++)
                    destination[i * columns + j] = stored[f];
            return;
        }
        var strides = new long[rank];   // C-order strides
        strides[rank - 1] = 1;
        for (int a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * shape[a + 1];
        var index = new long[rank];
        long offset = 0;
        for (int f = 0; f < stored.Length; f++)
        {
            destination[(int)offset] = stored[f];
            for (int a = 0; a < rank; a++)   // the next index in Fortran order: axis 0 fastest
            {
                index[a]++;
                offset += strides[a];
                if (index[a] < shape[a]) break;
                offset -= strides[a] * shape[a];
                index[a] = 0;
            }
        }
    }

    /// <summary>Writes <paramref name="values"/> little-endian: their bytes as they are on a little-endian machine, converted otherwise.</summary>
    private static void WriteLittleEndian<T>(Stream stream, Span<T> values, Action<Span<byte>, T> write) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (BitConverter.IsLittleEndian)
        {
            for (int start = 0; start < values.Length; start += ChunkElements)
                stream.Write(MemoryMarshal.AsBytes(values.Slice(start, Math.Min(ChunkElements, values.Length - start))));
            return;
        }
        var buffer = new byte[(long)Math.Min(ChunkElements, values.Length) * size];
        for (int start = 0; start < values.Length; start += ChunkElements)
        {
            int count = Math.Min(ChunkElements, values.Length - start);
            for (int k = 0; k < count; k++) write(buffer.AsSpan(k * size, size), values[start + k]);
            stream.Write(buffer, 0, count * size);
        }
    }

    /// <summary>The elements of a matrix in row-major order, without a copy.</summary>
    private static Span<T> Elements<T>(T[,] matrix) where T : unmanaged =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(matrix)), matrix.Length);

    /// <summary>Rejects an empty matrix or a non-finite value (which the readers would refuse) before anything is written.</summary>
    internal static void CheckWritable<T>(T[,] matrix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int rows = matrix.GetLength(0), columns = matrix.GetLength(1);
        if (rows == 0 || columns == 0)
            throw new ArgumentException($"matrix is {rows}×{columns}; a .npy matrix needs at least one row and column", nameof(matrix));
        var values = Elements(matrix);
        for (int k = 0; k < values.Length; k++)
            if (!T.IsFinite(values[k]))
                throw new ArgumentException($"entry ({k / columns},{k % columns}) is {values[k]}; only finite values can be written", nameof(matrix));
    }
}
