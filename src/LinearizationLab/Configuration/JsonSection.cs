using System.Globalization;
using System.Text.Json;

namespace LinearizationLab.Configuration;

/// <summary>
/// A JSON object read field by field with validation: every error names the file, the
/// field's path and the reason, so that bad input is reported in one line.
/// Unknown fields are rejected too (a misspelt optional field would otherwise be ignored silently).
/// </summary>
public sealed class JsonSection
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private JsonSection(string file, string path, JsonElement element)
    {
        File = file;
        Path = path;
        _element = element;
    }

    /// <summary>The file the section came from.</summary>
    public string File { get; }

    /// <summary>The JSON path of this section ("" for the document root).</summary>
    public string Path { get; }

    /// <summary>Directory of <see cref="File"/>, against which relative paths in it are resolved.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(File)) ?? ".";

    /// <summary>Reads and parses a JSON file whose root must be an object.</summary>
    public static JsonSection Load(string file)
    {
        if (!System.IO.File.Exists(file))
            throw new InvalidInputException(file, "(file)", "file not found");
        string text = System.IO.File.ReadAllText(file);
        return Parse(text, file);
    }

    /// <summary>Parses JSON text (comments and trailing commas allowed) attributed to <paramref name="file"/>.</summary>
    public static JsonSection Parse(string text, string file)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(file, "(file)", $"not valid JSON ({e.Message.Split('.')[0]})");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(file, "(root)", "must be a JSON object");
        return new JsonSection(file, "", doc.RootElement);
    }

    /// <summary>Wraps an already parsed element (for inline objects inside another file).</summary>
    public static JsonSection FromElement(JsonElement element, string file, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(file, path, "must be a JSON object");
        return new JsonSection(file, path, element.Clone());
    }

    /// <summary>The raw JSON of this section, to store it alongside results.</summary>
    public JsonElement Raw => _element;

    /// <summary>Full path of a field of this section.</summary>
    public string FieldPath(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>An error about <paramref name="name"/> in this section.</summary>
    public InvalidInputException Error(string name, string reason) => new(File, FieldPath(name), reason);

    /// <summary>Whether the field is present (and not null).</summary>
    public bool Has(string name) =>
        _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        value = default;
        return false;
    }

    private JsonElement Require(string name)
    {
        if (!TryGet(name, out var v)) throw Error(name, "is required");
        return v;
    }

    /// <summary>The raw element of a field (marks it read); null when absent.</summary>
    public JsonElement? Element(string name) => TryGet(name, out var v) ? v : null;

    /// <summary>A nested object; null when absent.</summary>
    public JsonSection? Section(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Object) throw Error(name, "must be an object");
        return new JsonSection(File, FieldPath(name), v);
    }

    /// <summary>A nested object that must be present.</summary>
    public JsonSection RequiredSection(string name) => Section(name) ?? throw Error(name, "is required");

    /// <summary>A path written in this file, resolved against the file's folder (absolute paths stay as they are).</summary>
    public string ResolvePath(string path) => System.IO.Path.Combine(Directory, path);

    /// <summary>
    /// A required field that is either a path to a JSON file (relative to this file's folder), loaded, or an inline
    /// object, as the <c>arch</c> field of run, sweep and gp configs; <paramref name="what"/> names the file in the error
    /// when it is missing (e.g. "an arch.json").
    /// </summary>
    public JsonSection FileOrSection(string name, string what)
    {
        var element = Element(name) ?? throw Error(name, $"is required (a path to {what} or an inline object)");
        return element.ValueKind switch
        {
            JsonValueKind.String => Load(ResolvePath(element.GetString()!)),
            JsonValueKind.Object => FromElement(element, File, FieldPath(name)),
            _ => throw Error(name, "must be a path or an object"),
        };
    }

    /// <summary>An array of objects.</summary>
    public IReadOnlyList<JsonSection> Sections(string name)
    {
        var v = Require(name);
        if (v.ValueKind != JsonValueKind.Array) throw Error(name, "must be an array of objects");
        var list = new List<JsonSection>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            string path = $"{FieldPath(name)}[{i}]";
            if (item.ValueKind != JsonValueKind.Object) throw new InvalidInputException(File, path, "must be an object");
            list.Add(new JsonSection(File, path, item));
            i++;
        }
        return list;
    }

    /// <summary>A string, optionally restricted to <paramref name="allowed"/> values (case-insensitive, returned lower-case).</summary>
    public string String(string name, string? defaultValue = null, params string[] allowed)
    {
        if (!TryGet(name, out var v))
            return defaultValue ?? throw Error(name, "is required");
        if (v.ValueKind != JsonValueKind.String) throw Error(name, "must be a string");
        string s = v.GetString()!;
        if (allowed.Length == 0) return s;
        string lower = s.ToLowerInvariant();
        if (Array.IndexOf(allowed, lower) < 0)
            throw Error(name, $"'{s}' is not one of {string.Join(", ", allowed)}");
        return lower;
    }

    /// <summary>An optional string (null when absent).</summary>
    public string? OptionalString(string name) =>
        TryGet(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(name, "must be a string")
            : null;

    /// <summary>A number, checked against [min, max].</summary>
    public double Double(string name, double? defaultValue = null, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        if (!TryGet(name, out var v))
            return defaultValue ?? throw Error(name, "is required");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
            throw Error(name, "must be a finite number");
        CheckRange(name, d, min, max, minExclusive);
        return d;
    }

    /// <summary>An optional number (null when absent), checked against [min, max].</summary>
    public double? OptionalDouble(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool minExclusive = false) =>
        Has(name) ? Double(name, null, min, max, minExclusive) : MarkAbsent<double>(name);

    /// <summary>An integer, checked against [min, max].</summary>
    public int Int(string name, int? defaultValue = null, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(name, out var v))
            return defaultValue ?? throw Error(name, "is required");
        return ToInt(v, FieldPath(name), min, max);
    }

    /// <summary>An optional integer (null when absent).</summary>
    public int? OptionalInt(string name, int min = int.MinValue, int max = int.MaxValue) =>
        Has(name) ? Int(name, null, min, max) : MarkAbsent<int>(name);

    /// <summary>A 64-bit integer such as a seed.</summary>
    public long Long(string name, long? defaultValue = null, long min = long.MinValue)
    {
        if (!TryGet(name, out var v))
            return defaultValue ?? throw Error(name, "is required");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long l))
            throw Error(name, "must be an integer");
        if (l < min) throw Error(name, $"must be at least {min} (got {l})");
        return l;
    }

    /// <summary>A boolean.</summary>
    public bool Bool(string name, bool defaultValue)
    {
        if (!TryGet(name, out var v)) return defaultValue;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(name, "must be true or false"),
        };
    }

    /// <summary>An array of integers, or a single integer read as a one-element array.</summary>
    public int[]? IntArray(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return [ToInt(v, FieldPath(name), min, max)];
        if (v.ValueKind != JsonValueKind.Array) throw Error(name, "must be an integer or an array of integers");
        var list = new List<int>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
            list.Add(ToInt(item, $"{FieldPath(name)}[{i++}]", min, max));
        return list.ToArray();
    }

    /// <summary>An array of numbers.</summary>
    public double[]? DoubleArray(string name)
    {
        if (!TryGet(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Error(name, "must be an array of numbers");
        var list = new List<double>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !double.IsFinite(item.GetDouble()))
                throw new InvalidInputException(File, $"{FieldPath(name)}[{i}]", "must be a finite number");
            list.Add(item.GetDouble());
            i++;
        }
        return list.ToArray();
    }

    /// <summary>Rejects any field of this section that no reader asked for (typos, unsupported options).</summary>
    public void RejectUnknownFields()
    {
        foreach (var p in _element.EnumerateObject())
            if (!_read.Contains(p.Name))
                throw Error(p.Name, "unknown field");
    }

    private T? MarkAbsent<T>(string name) where T : struct
    {
        _read.Add(name);
        return null;
    }

    private int ToInt(JsonElement v, string path, int min, int max)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n))
            throw new InvalidInputException(File, path, $"must be an integer (got {v.GetRawText()})");
        if (n < min) throw new InvalidInputException(File, path, $"must be at least {min} (got {n})");
        if (n > max) throw new InvalidInputException(File, path, $"must be at most {max} (got {n})");
        return n;
    }

    private void CheckRange(string name, double d, double min, double max, bool minExclusive)
    {
        string got = d.ToString("G6", CultureInfo.InvariantCulture);
        if (minExclusive ? d <= min : d < min)
            throw Error(name, minExclusive ? $"must be greater than {min} (got {got})" : $"must be at least {min} (got {got})");
        if (d > max) throw Error(name, $"must be at most {max} (got {got})");
    }
}
