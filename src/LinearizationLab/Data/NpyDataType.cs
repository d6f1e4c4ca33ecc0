using System.Buffers.Binary;

namespace LinearizationLab.Data;

/// <summary>
/// The element type of a .npy array as its header's <c>descr</c> spells it: a byte order ('&lt;' little, '&gt;' big, '|' for
/// single bytes), a kind (f float, i signed, u unsigned, b bool) and a size in bytes, e.g. <c>&lt;f8</c>, <c>&gt;i4</c>,
/// <c>|u1</c>. Every supported type converts exactly to float64, except 64-bit integers beyond 2⁵³, which are rounded.
/// </summary>
/// <param name="Kind">'f', 'i', 'u' or 'b'.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="BigEndian">Whether multi-byte elements are stored most significant byte first.</param>
internal sealed record NpyDataType(char Kind, int Size, bool BigEndian)
{
    /// <summary>Little-endian float64, what the lab writes.</summary>
    public static NpyDataType Float64 { get; } = new('f', 8, false);

    /// <summary>Little-endian float32.</summary>
    public static NpyDataType Float32 { get; } = new('f', 4, false);

    /// <summary>The <c>descr</c> string of the header, e.g. <c>&lt;f8</c>.</summary>
    public string Descr => $"{(Size == 1 ? '|' : BigEndian ? '>' : '<')}{Kind}{Size}";

    /// <summary>The NumPy name of the type, e.g. float64, uint8, bool.</summary>
    public string Name => Kind switch
    {
        'f' => $"float{8 * Size}",
        'i' => $"int{8 * Size}",
        'u' => $"uint{8 * Size}",
        _ => "bool",
    };

    /// <summary>Whether elements can be NaN or infinite.</summary>
    public bool IsFloat => Kind == 'f';

    /// <summary>Whether the bytes of an element are those of a <see cref="double"/> on this machine, so they can be copied as they are.</summary>
    public bool IsNativeFloat64 => Kind == 'f' && Size == 8 && BigEndian != BitConverter.IsLittleEndian;

    /// <summary>
    /// Parses a <c>descr</c>; returns null and sets <paramref name="reason"/> to what the array holds when the type is not one
    /// that converts to numbers (objects, strings, complex numbers, dates, long doubles).
    /// </summary>
    public static NpyDataType? Parse(string descr, out string reason)
    {
        ArgumentNullException.ThrowIfNull(descr);
        reason = "";
        string text = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        bool bigEndian = descr.StartsWith('>');
        char kind = text.Length > 0 ? text[0] : '?';
        bool sized = int.TryParse(text.AsSpan(Math.Min(1, text.Length)), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int size);
        string quoted = $"dtype '{descr}'";
        switch (kind)
        {
            case 'O':
                reason = $"holds Python objects ({quoted}, stored as a pickle), not numbers";
                return null;
            case 'U' or 'S' or 'a':
                reason = $"holds strings ({quoted}), not numbers";
                return null;
            case 'c':
                reason = $"holds complex numbers ({quoted}); only real numbers are read";
                return null;
            case 'M' or 'm':
                reason = $"holds dates or time spans ({quoted}), not numbers";
                return null;
            case 'V':
                reason = $"holds raw bytes ({quoted}), not numbers";
                return null;
        }
        bool supported = sized && kind switch
        {
            'f' => size is 2 or 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!supported)
        {
            reason = $"holds {quoted}, which is not read (float16/32/64, int8–64, uint8–64 and bool are)";
            return null;
        }
        return new NpyDataType(kind, size, bigEndian && size > 1);
    }

    /// <summary>Converts whole elements from <paramref name="source"/> (their bytes as stored) into <paramref name="destination"/>.</summary>
    public void ToDouble(ReadOnlySpan<byte> source, Span<double> destination)
    {
        if (source.Length != destination.Length * Size)
            throw new ArgumentException($"{source.Length} bytes are not {destination.Length} elements of {Size} bytes", nameof(source));
        for (int k = 0; k < destination.Length; k++)
            destination[k] = Element(source.Slice(k * Size, Size));
    }

    private double Element(ReadOnlySpan<byte> b) => (Kind, Size, BigEndian) switch
    {
        ('f', 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        ('f', 8, true) => BinaryPrimitives.ReadDoubleBigEndian(b),
        ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(b),
        ('f', 2, false) => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
        ('f', 2, true) => (double)BinaryPrimitives.ReadHalfBigEndian(b),
        ('i', 1, _) => (sbyte)b[0],
        ('u', 1, _) => b[0],
        ('b', 1, _) => b[0] != 0 ? 1 : 0,
        ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(b),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(b),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        ('u', 8, true) => BinaryPrimitives.ReadUInt64BigEndian(b),
        _ => throw new InvalidOperationException($"no conversion for {Descr}"),
    };
}
