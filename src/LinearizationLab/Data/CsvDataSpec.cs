using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// <c>"source": "csv"</c>: input and target matrices from CSV files (<see cref="CsvMatrix"/>), one example per row;
/// the test pair is optional. Paths are absolute, resolved against the config file's directory.
/// </summary>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section.</param>
/// <param name="XTrain">CSV path of the train inputs (N × d).</param>
/// <param name="YTrain">CSV path of the train targets (N × O).</param>
/// <param name="XTest">CSV path of the test inputs, or null.</param>
/// <param name="YTest">CSV path of the test targets, or null.</param>
public sealed record CsvDataSpec(string File, string Path, string XTrain, string YTrain, string? XTest, string? YTest)
    : DataSpec(File, Path)
{
    /// <summary>The fields only CSV data reads.</summary>
    internal static string[] Fields => ["x_train", "y_train", "x_test", "y_test"];

    /// <inheritdoc/>
    public override DataSource Source => DataSource.Csv;

    /// <summary>Reads the CSV fields of a <c>data</c> section; each named file must exist.</summary>
    internal static CsvDataSpec ReadFields(JsonSection s)
    {
        string xTrain = CsvPath(s, "x_train", required: true)!;
        string yTrain = CsvPath(s, "y_train", required: true)!;
        string? xTest = CsvPath(s, "x_test", required: s.Has("y_test"));
        string? yTest = CsvPath(s, "y_test", required: xTest is not null);
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

    private static string? CsvPath(JsonSection s, string name, bool required)
    {
        string? value = s.OptionalString(name);
        if (value is null)
            return required ? throw s.Error(name, "is required") : null;
        if (value.Length == 0) throw s.Error(name, "must not be empty");
        string full = System.IO.Path.GetFullPath(s.ResolvePath(value));
        if (!System.IO.File.Exists(full)) throw s.Error(name, $"file not found: {full}");
        return full;
    }

    private Dataset LoadPair(string xPath, string yPath, string xField, string yField, Dataset? train)
    {
        var x = CsvMatrix.Read(xPath);
        var y = CsvMatrix.Read(yPath);
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
