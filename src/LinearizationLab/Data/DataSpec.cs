using LinearizationLab.Architecture;
using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// The <c>data</c> section of a run config, validated with named errors, and the train and test sets it
/// describes. Every random choice (subset draw, sphere points, teacher weights, noise) follows from the seeds.
/// </summary>
/// <example>
/// <code>
/// "data": { "source": "mnist", "train_size": 1000, "test_size": 1000, "subset": "first_per_class",
///           "pool": 2, "normalize": "standardize", "one_hot": [-0.1, 0.9] }
/// "data": { "source": "sphere", "train_size": 256, "test_size": 256, "dim": 16, "seed": 1,
///           "teacher": { "width": 512, "depth": 1, "seed": 7 } }
/// "data": { "source": "csv", "x_train": "x.csv", "y_train": "y.csv" }
/// </code>
/// </example>
public sealed class DataSpec
{
    private static readonly string[] SourceNames = ["mnist", "fashion_mnist", "sphere", "toy1d", "csv"];
    private static readonly string[] ImageFields = ["subset", "pool", "one_hot", "dir"];
    private static readonly string[] SphereFields = ["dim", "outputs", "teacher"];
    private static readonly string[] ToyFields = ["noise_std"];
    private static readonly string[] CsvFields = ["x_train", "y_train", "x_test", "y_test"];
    private static readonly string[] SizeFields = ["train_size", "test_size", "seed"];

    private DataSpec(string file, string path) { File = file; Path = path; }

    /// <summary>The config file the section came from.</summary>
    public string File { get; }

    /// <summary>The JSON path of the section (usually <c>data</c>).</summary>
    public string Path { get; }

    /// <summary>Where the examples come from.</summary>
    public DataSource Source { get; private set; }

    /// <summary>Number of train examples (for CSV: the rows of <c>x_train</c>, known after loading; 0 here).</summary>
    public int TrainSize { get; private init; }

    /// <summary>Number of test examples; 0 means an empty test set.</summary>
    public int TestSize { get; private init; }

    /// <summary>Seed of the subset draw (images) or of the sampled points and noise (synthetic sets).</summary>
    public long Seed { get; private set; }

    /// <summary>How image subsets are chosen.</summary>
    public ImageSubset Subset { get; private init; }

    /// <summary>Average-pooling factor for images (1 = none).</summary>
    public int Pool { get; private init; } = 1;

    /// <summary>Rescaling of the inputs, statistics from the train set.</summary>
    public NormalizationKind Normalize { get; private set; }

    /// <summary>Target values for image classes.</summary>
    public OneHotTargets OneHot { get; private init; } = OneHotTargets.Standard;

    /// <summary>Explicit image directory (absolute), or null for the default under the repository root.</summary>
    public string? ImageDirectory { get; private init; }

    /// <summary>Input dimension d of the sphere set.</summary>
    public int Dimension { get; private init; }

    /// <summary>Outputs of the sphere teacher.</summary>
    public int Outputs { get; private init; }

    /// <summary>Hidden width of the sphere teacher.</summary>
    public int TeacherWidth { get; private init; }

    /// <summary>Hidden layers of the sphere teacher.</summary>
    public int TeacherDepth { get; private init; }

    /// <summary>Seed of the sphere teacher's weights (defaults to <see cref="Seed"/>; the streams are kept apart).</summary>
    public long TeacherSeed { get; private init; }

    /// <summary>Standard deviation of the train-target noise of the sine toy.</summary>
    public double NoiseStd { get; private init; }

    /// <summary>CSV paths (absolute) of train inputs and targets; test paths are null when absent.</summary>
    public string? XTrain { get; private init; }

    /// <summary>CSV path of the train targets (N × O).</summary>
    public string? YTrain { get; private init; }

    /// <summary>CSV path of the test inputs, or null.</summary>
    public string? XTest { get; private init; }

    /// <summary>CSV path of the test targets, or null.</summary>
    public string? YTest { get; private init; }

    /// <summary>
    /// Reads and validates a <c>data</c> section; fields that do not apply to the chosen source and unknown
    /// fields are errors. Relative paths (<c>dir</c>, CSV files) are resolved against the config file's directory.
    /// </summary>
    public static DataSpec Read(JsonSection s)
    {
        var source = s.String("source", null, SourceNames) switch
        {
            "mnist" => DataSource.Mnist,
            "fashion_mnist" => DataSource.FashionMnist,
            "sphere" => DataSource.Sphere,
            "toy1d" => DataSource.Toy1d,
            _ => DataSource.Csv,
        };
        bool image = source is DataSource.Mnist or DataSource.FashionMnist;
        string sourceName = SourceNames[(int)source];
        RejectInapplicable(s, sourceName, image ? [] : ImageFields);
        RejectInapplicable(s, sourceName, source == DataSource.Sphere ? [] : SphereFields);
        RejectInapplicable(s, sourceName, source == DataSource.Toy1d ? [] : ToyFields);
        RejectInapplicable(s, sourceName, source == DataSource.Csv ? [] : CsvFields);
        RejectInapplicable(s, sourceName, source == DataSource.Csv ? SizeFields : []);

        long seed = s.Long("seed", 0);
        var spec = source switch
        {
            DataSource.Csv => ReadCsv(s),
            DataSource.Sphere => ReadSphere(s, seed),
            DataSource.Toy1d => new DataSpec(s.File, s.Path)
            {
                TrainSize = s.Int("train_size", 5, min: 1),
                TestSize = s.Int("test_size", 0, min: 0),
                NoiseStd = s.Double("noise_std", 0.1, min: 0),
            },
            _ => ReadImages(s),
        };
        spec.Source = source;
        spec.Seed = seed;
        spec.Normalize = ReadNormalization(s);
        s.RejectUnknownFields();
        return spec;
    }

    /// <summary>
    /// Loads the train and test sets. <paramref name="repositoryRoot"/> locates the default image directories
    /// (<c>.data/mnist</c>, <c>.data/fashion-mnist</c>); when null it is found by <see cref="RepositoryRoot.Locate"/>.
    /// Image sets have feature shape [1, H, W], the sphere [d], the toy [1], CSV inputs [columns].
    /// </summary>
    public (Dataset Train, Dataset Test) Load(string? repositoryRoot = null)
    {
        var (train, test) = Source switch
        {
            DataSource.Mnist => LoadImages(ImageCorpus.Mnist, repositoryRoot),
            DataSource.FashionMnist => LoadImages(ImageCorpus.FashionMnist, repositoryRoot),
            DataSource.Sphere => SphereTeacherSet.Create(TrainSize, TestSize,
                new TeacherNetwork(Dimension, TeacherWidth, TeacherDepth, Outputs, TeacherSeed), Seed),
            DataSource.Toy1d => SineToySet.Create(TrainSize, TestSize, NoiseStd, Seed),
            _ => LoadCsv(),
        };
        return FeatureNormalization.Apply(Normalize, train, test);
    }

    /// <summary>
    /// <see cref="Load"/> fitted to <paramref name="arch"/>: both sets reshaped to its <c>input_shape</c>, and, when
    /// <paramref name="matchOutputs"/>, an error unless each example has as many targets as the network has outputs
    /// (the analytic kernels of <c>lab gp</c> are per output and take any number).
    /// </summary>
    public (Dataset Train, Dataset Test) LoadFor(ArchitectureSpec arch, bool matchOutputs = true, string? repositoryRoot = null)
    {
        var (train, test) = Load(repositoryRoot);
        if (matchOutputs && train.OutputCount != arch.OutputCount)
            throw new InvalidInputException(File, Path.Length == 0 ? "(root)" : Path,
                $"the data has {train.OutputCount} targets per example but the network has {arch.OutputCount} outputs");
        return (FitToInputShape(train, arch.InputShape), FitToInputShape(test, arch.InputShape));
    }

    /// <summary>
    /// <paramref name="data"/> with the feature shape an architecture's <c>input_shape</c> asks for (e.g. images
    /// [1,28,28] flattened to [784]); an error naming this section when the feature counts differ.
    /// </summary>
    public Dataset FitToInputShape(Dataset data, int[] inputShape) =>
        FitToInputShape(data, inputShape, File, Path.Length == 0 ? "(root)" : Path);

    /// <summary>
    /// <paramref name="data"/> reshaped to <paramref name="inputShape"/> when the feature counts agree; otherwise an
    /// <see cref="InvalidInputException"/> for <paramref name="file"/> and <paramref name="field"/>, e.g.
    /// "examples have 196 features but arch input_shape [784] needs 784".
    /// </summary>
    public static Dataset FitToInputShape(Dataset data, int[] inputShape, string file, string field)
    {
        if (data.FeatureShape.AsSpan().SequenceEqual(inputShape)) return data;
        int needed = inputShape.Aggregate(1, (a, n) => a * n);
        if (needed != data.FeatureSize || inputShape.Any(n => n < 1))
            throw new InvalidInputException(file, field,
                $"examples have {data.FeatureSize} features but arch input_shape [{string.Join(",", inputShape)}] needs {needed}");
        return data.WithFeatureShape(inputShape);
    }

    private static void RejectInapplicable(JsonSection s, string source, string[] names)
    {
        foreach (string name in names)
            if (s.Has(name)) throw s.Error(name, $"is not used with source '{source}'");
    }

    private static NormalizationKind ReadNormalization(JsonSection s) =>
        s.String("normalize", "none", "none", "unit_norm", "standardize") switch
        {
            "unit_norm" => NormalizationKind.UnitNorm,
            "standardize" => NormalizationKind.Standardize,
            _ => NormalizationKind.None,
        };

    private static DataSpec ReadImages(JsonSection s)
    {
        int train = s.Int("train_size", min: 1);
        int test = s.Int("test_size", 0, min: 0);
        var subset = s.String("subset", "random", "random", "first_per_class") == "first_per_class"
            ? ImageSubset.FirstPerClass : ImageSubset.Random;
        if (subset == ImageSubset.FirstPerClass)
        {
            if (train % LabeledImages.ClassCount != 0)
                throw s.Error("train_size", $"must be a multiple of {LabeledImages.ClassCount} for subset first_per_class (got {train})");
            if (test % LabeledImages.ClassCount != 0)
                throw s.Error("test_size", $"must be a multiple of {LabeledImages.ClassCount} for subset first_per_class (got {test})");
        }
        int pool = s.Int("pool", 1, min: 1);
        var oneHot = OneHotTargets.Standard;
        if (s.DoubleArray("one_hot") is double[] values)
        {
            if (values.Length != 2) throw s.Error("one_hot", $"must be [low, high] (got {values.Length} numbers)");
            if (!(values[0] < values[1])) throw s.Error("one_hot", $"low {values[0]} must be below high {values[1]}");
            oneHot = new OneHotTargets(values[0], values[1]);
        }
        string? dir = s.OptionalString("dir");
        if (dir is not null && dir.Length == 0) throw s.Error("dir", "must not be empty");
        string? directory = dir is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(s.Directory, dir));
        if (directory is not null && !System.IO.Directory.Exists(directory))
            throw s.Error("dir", $"directory not found: {directory}");
        return new DataSpec(s.File, s.Path)
        {
            TrainSize = train,
            TestSize = test,
            Subset = subset,
            Pool = pool,
            OneHot = oneHot,
            ImageDirectory = directory,
        };
    }

    private static DataSpec ReadSphere(JsonSection s, long seed)
    {
        int train = s.Int("train_size", min: 1);
        int test = s.Int("test_size", 0, min: 0);
        int dim = s.Int("dim", 16, min: 1);
        int outputs = s.Int("outputs", 1, min: 1);
        int width = 512, depth = 1;
        long teacherSeed = seed;
        if (s.Section("teacher") is JsonSection t)
        {
            width = t.Int("width", 512, min: 1);
            depth = t.Int("depth", 1, min: 0);
            teacherSeed = t.Long("seed", seed);
            t.RejectUnknownFields();
        }
        return new DataSpec(s.File, s.Path)
        {
            TrainSize = train,
            TestSize = test,
            Dimension = dim,
            Outputs = outputs,
            TeacherWidth = width,
            TeacherDepth = depth,
            TeacherSeed = teacherSeed,
        };
    }

    private static DataSpec ReadCsv(JsonSection s)
    {
        string xTrain = CsvPath(s, "x_train", required: true)!;
        string yTrain = CsvPath(s, "y_train", required: true)!;
        string? xTest = CsvPath(s, "x_test", required: s.Has("y_test"));
        string? yTest = CsvPath(s, "y_test", required: xTest is not null);
        return new DataSpec(s.File, s.Path) { XTrain = xTrain, YTrain = yTrain, XTest = xTest, YTest = yTest };
    }

    private static string? CsvPath(JsonSection s, string name, bool required)
    {
        string? value = s.OptionalString(name);
        if (value is null)
            return required ? throw s.Error(name, "is required") : null;
        if (value.Length == 0) throw s.Error(name, "must not be empty");
        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(s.Directory, value));
        if (!System.IO.File.Exists(full)) throw s.Error(name, $"file not found: {full}");
        return full;
    }

    private (Dataset Train, Dataset Test) LoadImages(ImageCorpus corpus, string? repositoryRoot)
    {
        string directory = ImageDirectory ?? LabeledImages.DefaultDirectory(corpus, repositoryRoot);
        var train = Subsample(LabeledImages.Load(directory, ImageSplit.Train), TrainSize, SeedStream.Train, "train_size");
        Dataset test;
        if (TestSize == 0)
        {
            int h = train.FeatureShape[1], w = train.FeatureShape[2];
            test = new Dataset([], [1, h, w], [], LabeledImages.ClassCount, []);
        }
        else
        {
            test = Subsample(LabeledImages.Load(directory, ImageSplit.Test), TestSize, SeedStream.Test, "test_size");
        }
        return (train, test);
    }

    private Dataset Subsample(LabeledImages images, int size, int stream, string sizeField)
    {
        string split = stream == SeedStream.Train ? "train" : "test";
        if (size > images.Count)
            throw Error(sizeField, $"asks for {size} images but the {split} split has {images.Count}");
        if (images.Height % Pool != 0 || images.Width % Pool != 0)
            throw Error("pool", $"factor {Pool} does not divide the image size {images.Height}×{images.Width}");
        int[] indices;
        if (Subset == ImageSubset.FirstPerClass)
        {
            int perClass = size / LabeledImages.ClassCount;
            var counts = images.ClassCounts();
            int short_ = Array.FindIndex(counts, c => c < perClass);
            if (short_ >= 0)
                throw Error(sizeField, $"first_per_class needs {perClass} images per class but class {short_} of the {split} split has {counts[short_]}");
            indices = images.FirstPerClass(perClass);
        }
        else
        {
            indices = images.RandomSubset(size, SeedStream.Derive(Seed, stream));
        }
        return images.ToDataset(indices, Pool, OneHot);
    }

    private (Dataset Train, Dataset Test) LoadCsv()
    {
        var train = CsvDataset(XTrain!, YTrain!, "x_train", "y_train", null);
        var test = XTest is null
            ? new Dataset([], train.FeatureShape, [], train.OutputCount, null)
            : CsvDataset(XTest, YTest!, "x_test", "y_test", train);
        return (train, test);
    }

    private Dataset CsvDataset(string xPath, string yPath, string xField, string yField, Dataset? train)
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

    private InvalidInputException Error(string name, string reason) =>
        new(File, Path.Length == 0 ? name : $"{Path}.{name}", reason);
}
