using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LinearizationLab.Data;

/// <summary>
/// The header of a .npy file (NumPy's format, versions 1.0, 2.0 and 3.0): the magic string \x93NUMPY, the version's two bytes,
/// the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), then a Python dict literal with <c>descr</c>,
/// <c>fortran_order</c> and <c>shape</c>, padded with spaces and a newline so that the data starts at a multiple of 64 bytes.
/// </summary>
/// <param name="DataType">The element type.</param>
/// <param name="FortranOrder">Whether elements are stored column-major (first index fastest).</param>
/// <param name="Shape">The array's shape; empty for a 0-d array.</param>
/// <param name="DataOffset">Bytes before the first element (magic, version, length and the dict).</param>
internal sealed record NpyHeader(NpyDataType DataType, bool FortranOrder, long[] Shape, long DataOffset)
{
    /// <summary>The magic string every .npy file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The data's alignment: the header is padded so that the data starts at a multiple of this many bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The number of elements, the product of the shape (1 for a 0-d array).</summary>
    public long Count => Shape.Aggregate(1L, (a, n) => a * n);

    /// <summary>The shape as NumPy prints it: (3, 4), (5,) or ().</summary>
    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>
    /// Reads the header from the start of <paramref name="stream"/> (of <paramref name="length"/> bytes); every error is an
    /// <see cref="InvalidInputException"/> from <paramref name="error"/> saying what the file holds instead of a numeric array.
    /// </summary>
    public static NpyHeader Read(Stream stream, long length, Func<string, InvalidInputException> error)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(error);
        Span<byte> start = stackalloc byte[12];
        int got = ReadUpTo(stream, start[..Math.Min(12, (int)Math.Min(length, 12))]);
        var prefix = start[..got];
        if (!prefix.StartsWith(Magic))
            throw error(NotNpy(prefix, length));
        if (got < 10)
            throw error($"truncated header: the file ends after {length} bytes");
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw error($"is .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are read");
        int lengthBytes = major == 1 ? 2 : 4;
        if (got < 8 + lengthBytes)
            throw error($"truncated header: the file ends after {length} bytes");
        long dictLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long offset = 8 + lengthBytes + dictLength;
        if (offset > length)
            throw error($"truncated header: it declares {dictLength} bytes but the file ends after {length} bytes");
        if (dictLength < 2 || dictLength > 1 << 24)
            throw error($"header declares {dictLength} bytes, which is no array's description");
        var dictBytes = new byte[dictLength];
        int extra = got - (8 + lengthBytes);   // bytes of the dict already read with the prefix
        prefix[(8 + lengthBytes)..].CopyTo(dictBytes);
        stream.ReadExactly(dictBytes, extra, (int)dictLength - extra);
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(dictBytes).TrimEnd(' ', '\n', '\0');
        return Interpret(dict, offset, error);
    }

    /// <summary>
    /// The header bytes of an array of <paramref name="dataType"/> and <paramref name="shape"/> in C order: version 1.0 (2.0 if the
    /// dict does not fit 65,535 bytes), padded to <see cref="Alignment"/>.
    /// </summary>
    public static byte[] Bytes(NpyDataType dataType, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        ArgumentNullException.ThrowIfNull(shape);
        string dict = $"{{'descr': '{dataType.Descr}', 'fortran_order': False, 'shape': {FormatShape(shape)}, }}";
        int lengthBytes = 2;
        int padded = Padded(dict.Length + 1, 8 + lengthBytes);
        if (padded > ushort.MaxValue)
        {
            lengthBytes = 4;
            padded = Padded(dict.Length + 1, 8 + lengthBytes);
        }
        var bytes = new byte[8 + lengthBytes + padded];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)(lengthBytes == 2 ? 1 : 2);
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)padded);
        var body = bytes.AsSpan(8 + lengthBytes);
        body.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, body);
        body[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>The dict's length (with its newline) padded so that prefix + dict is a multiple of <see cref="Alignment"/>.</summary>
    private static int Padded(int dictLength, int prefixLength) =>
        (prefixLength + dictLength + Alignment - 1) / Alignment * Alignment - prefixLength;

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>What a file that lacks the magic string seems to be, from its first bytes.</summary>
    private static string NotNpy(ReadOnlySpan<byte> prefix, long length)
    {
        if (length == 0) return "is empty, not a .npy array";
        if (prefix[0] == 0x80) return "is a Python pickle, not a .npy array (pickles are not read)";
        if (prefix.StartsWith("PK"u8)) return "is a zip archive (an .npz?), not a .npy array";
        if (prefix.Length < Magic.Length && Magic.StartsWith(prefix)) return $"truncated header: the file ends after {length} bytes";
        string shown = string.Concat(prefix[..Math.Min(6, prefix.Length)].ToArray().Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}"));
        return $"does not start with the .npy magic string \\x93NUMPY (it starts with '{shown}')";
    }

    private static NpyHeader Interpret(string text, long offset, Func<string, InvalidInputException> error)
    {
        object? parsed;
        try { parsed = new PythonLiteral(text).ParseWhole(); }
        catch (FormatException e) { throw error($"header is not a Python dict literal ({e.Message}): {Shorten(text)}"); }
        if (parsed is not Dictionary<string, object?> dict)
            throw error($"header is not a dict: {Shorten(text)}");
        foreach (string key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key)) throw error($"header has no '{key}': {Shorten(text)}");
        var descr = dict["descr"];
        if (descr is List<object?> fields)
            throw error($"holds a structured array (fields {string.Join(", ", fields.Select(FieldName))}), not plain numbers");
        if (descr is not string typeName)
            throw error($"header's descr is not a string: {Shorten(text)}");
        if (dict["fortran_order"] is not bool fortran)
            throw error($"header's fortran_order is not True or False: {Shorten(text)}");
        if (dict["shape"] is not List<object?> dims || dims.Any(d => d is not long n || n < 0))
            throw error($"header's shape is not a tuple of sizes: {Shorten(text)}");
        var type = NpyDataType.Parse(typeName, out string reason) ?? throw error(reason);
        return new NpyHeader(type, fortran, [.. dims.Cast<long>()], offset);
    }

    private static string FieldName(object? field) =>
        field is List<object?> { Count: > 0 } f && f[0] is string name ? $"'{name}'" : "?";

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    /// <summary>
    /// A reader of the Python literals a .npy header uses: dicts, tuples and lists, strings in single or double quotes, integers
    /// (with Python 2's L suffix), True, False and None.
    /// </summary>
    private sealed class PythonLiteral(string text)
    {
        private int _at;

        public object? ParseWhole()
        {
            var value = Value();
            Skip();
            return _at == text.Length ? value : throw Fail("text after the dict");
        }

        private object? Value()
        {
            Skip();
            if (_at >= text.Length) throw Fail("it ends early");
            char c = text[_at];
            if (c == '{') return Dict();
            if (c is '(' or '[') return Sequence(c == '(' ? ')' : ']');
            if (c is '\'' or '"') return String();
            if (c == '-' || char.IsAsciiDigit(c)) return Integer();
            foreach (var (word, value) in new (string, object?)[] { ("True", true), ("False", false), ("None", null) })
                if (string.CompareOrdinal(text, _at, word, 0, word.Length) == 0)
                {
                    _at += word.Length;
                    return value;
                }
            throw Fail($"unexpected '{c}' at {_at}");
        }

        private Dictionary<string, object?> Dict()
        {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            _at++;
            while (true)
            {
                Skip();
                if (Take('}')) return dict;
                if (Value() is not string key) throw Fail("a key is not a string");
                Skip();
                if (!Take(':')) throw Fail($"no ':' after '{key}'");
                dict[key] = Value();
                Skip();
                if (Take('}')) return dict;
                if (!Take(',')) throw Fail($"no ',' after the value of '{key}'");
            }
        }

        private List<object?> Sequence(char close)
        {
            var items = new List<object?>();
            _at++;
            while (true)
            {
                Skip();
                if (Take(close)) return items;
                items.Add(Value());
                Skip();
                if (Take(close)) return items;
                if (!Take(',')) throw Fail($"no ',' or '{close}' at {_at}");
            }
        }

        private string String()
        {
            char quote = text[_at++];
            var s = new StringBuilder();
            while (_at < text.Length && text[_at] != quote)
            {
                if (text[_at] == '\\' && _at + 1 < text.Length) _at++;
                s.Append(text[_at++]);
            }
            if (_at >= text.Length) throw Fail("a string is not closed");
            _at++;
            return s.ToString();
        }

        private long Integer()
        {
            int start = _at;
            if (text[_at] == '-') _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                throw Fail($"'{text[start.._at]}' is not an integer");
            if (_at < text.Length && text[_at] is 'L' or 'l') _at++;
            return n;
        }

        private bool Take(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        private void Skip()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        private static FormatException Fail(string reason) => new(reason);
    }
}
