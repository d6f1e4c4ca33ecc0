using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// <c>"source": "csv"</c>: input and target matrices from files, one example per row; the test pair is optional. Each of
/// <c>x_train</c>, <c>y_train</c>, <c>x_test</c>, <c>y_test</c> names a CSV file, a .npy file, or an array of an .npz
/// (<c>data.npz:x_train</c>; a bare <c>data.npz</c> means its only array, or else the array named after the field), read by
/// <see cref="MatrixFile.Read"/>. Paths are absolute, resolved against the config file's directory; an .npz reference always
/// names its array.
/// </summary>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section.</param>
/// <param name="XTrain">The train inputs (N × d, or an array of shape (N, …)).</param>
/// <param name="YTrain">The train targets (N × O, or shape (N,) for one target).</param>
/// <param name="XTest">The test inputs, or null.</param>
/// <param name="YTest">The test targets, or null.</param>
public sealed record CsvDataSpec(string File, string Path, string XTrain, string YTrain, string? XTest, string? YTest)
    : DataSpec(File, Path)
{
    /// <summary>The fields only file data reads.</summary>
    internal static string[] Fields => ["x_train", "y_train", "x_test", "y_test"];

    /// <inheritdoc/>
    public override DataSource Source => DataSource.Csv;

    /// <summary>Reads the file fields of a <c>data</c> section; each named file must exist, and each named .npz array in its archive.</summary>
    internal static CsvDataSpec ReadFields(JsonSection s)
    {
        string xTrain = ArrayPath(s, "x_train", required: true)!;
        string yTrain = ArrayPath(s, "y_train", required: true)!;
        string? xTest = ArrayPath(s, "x_test", required: s.Has("y_test"));
        string? yTest = ArrayPath(s, "y_test", required: xTest is not null);
        return new CsvDataSpec(s.File, s.Path, xTrain, yTrain, xTest, yTest);
    }

    private protected override (Dataset Train, Dataset Test) LoadUnnormalized(string? repositoryRoot)
    {
        var train = LoadPair(XTrain, YTrain, "x_train", "y_train", null);
        var test = XTest is null
            ? new Dataset([], train.FeatureShape, [], train.OutputCount, null)
            : LoadPair(XTest, YTest!, "x_test", "y_test", train);
        return (train, test);
    }

    private static string? ArrayPath(JsonSection s, string name, bool required)
    {
        string? value = s.OptionalString(name);
        if (value is null)
            return required ? throw s.Error(name, "is required") : null;
        if (value.Length == 0) throw s.Error(name, "must not be empty");
        var (path, array) = MatrixFile.SplitReference(value);
        string full = System.IO.Path.GetFullPath(s.ResolvePath(path));
        if (!System.IO.File.Exists(full)) throw s.Error(name, $"file not found: {full}");
        if (!MatrixFile.IsNpz(full)) return full;
        var names = NpzFile.ArrayNames(full);
        string chosen = MatrixFile.SelectArray(names, array, name) ?? throw s.Error(name, array is null
            ? $"{full} has no array '{name}' ({NpzFile.Listing(names)}); name one as {path}:NAME"
            : $"{full} has no array '{array}' ({NpzFile.Listing(names)})");
        return $"{full}:{chosen}";
    }

    private Dataset LoadPair(string xPath, string yPath, string xField, string yField, Dataset? train)
    {
        var x = MatrixFile.Read(xPath);
        var y = MatrixFile.Read(yPath);
        int n = x.GetLength(0), d = x.GetLength(1), o = y.GetLength(1);
        if (y.GetLength(0) != n)
            throw Error(yField, $"{yPath} has {y.GetLength(0)} rows but {xField} has {n}");
        if (train is not null && d != train.FeatureSize)
            throw Error(xField, $"{xPath} has {d} columns but x_train has {train.FeatureSize}");
        if (train is not null && o != train.OutputCount)
            throw Error(yField, $"{yPath} has {o} columns but y_train has {train.OutputCount}");
        return new Dataset(CsvMatrix.ToRowMajor(x), [d], CsvMatrix.ToRowMajor(y), o, null);
    }
}
