using LinearizationLab.Architecture;
using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// The <c>data</c> section of a run config: one sealed record per <c>source</c> (<see cref="ImageDataSpec"/>,
/// <see cref="SphereDataSpec"/>, <see cref="Toy1dDataSpec"/>, <see cref="CsvDataSpec"/>), each reading and validating
/// its own fields with named errors and loading the train and test sets it describes. Every random choice (subset
/// draw, sphere points, teacher weights, noise) follows from the seeds.
/// </summary>
/// <example>
/// <code>
/// "data": { "source": "mnist", "train_size": 1000, "test_size": 1000, "subset": "first_per_class",
///           "pool": 2, "normalize": "standardize", "one_hot": [-0.1, 0.9] }
/// "data": { "source": "sphere", "train_size": 256, "test_size": 256, "dim": 16, "seed": 1,
///           "teacher": { "width": 512, "depth": 1, "seed": 7 } }
/// "data": { "source": "csv", "x_train": "x.csv", "y_train": "y.npy" }
/// "data": { "source": "csv", "x_train": "d.npz", "y_train": "d.npz", "x_test": "d.npz", "y_test": "d.npz" }
/// </code>
/// </example>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section (usually <c>data</c>).</param>
public abstract record DataSpec(string File, string Path)
{
    private static readonly string[] SourceNames = ["mnist", "fashion_mnist", "sphere", "toy1d", "csv"];

    /// <summary>Fields of the sources that draw their examples: sizes and the seed of the draw.</summary>
    private static readonly string[] SampledFields = ["train_size", "test_size", "seed"];

    /// <summary>The fields that belong to one source or another, in the order they are checked against the chosen one.</summary>
    private static readonly string[] SourceFields =
        [.. ImageDataSpec.Fields, .. SphereDataSpec.Fields, .. Toy1dDataSpec.Fields, .. CsvDataSpec.Fields, .. SampledFields];

    /// <summary>Where the examples come from.</summary>
    public abstract DataSource Source { get; }

    /// <summary>Whether the examples carry class labels (needed by cross-entropy).</summary>
    public virtual bool HasClassLabels => false;

    /// <summary>Rescaling of the inputs, statistics from the train set.</summary>
    public NormalizationKind Normalize { get; private init; }

    /// <summary>ZCA's regularization ε relative to the mean eigenvalue (<c>zca_regularization</c>, with <c>normalize: zca</c>).</summary>
    public double ZcaRegularization { get; private init; }

    /// <summary>
    /// The same data with the inputs normalized by <paramref name="kind"/> (a sweep's <c>normalize</c> axis); ZCA keeps this
    /// section's <see cref="ZcaRegularization"/>, which it needs.
    /// </summary>
    /// <exception cref="ArgumentException">ZCA without a regularization (the section did not ask for ZCA).</exception>
    public DataSpec WithNormalization(NormalizationKind kind)
    {
        if (kind == NormalizationKind.Zca && ZcaRegularization <= 0)
            throw new ArgumentException("zca whitening needs the data section's zca_regularization");
        return this with { Normalize = kind };
    }

    /// <summary>
    /// Reads and validates a <c>data</c> section; fields that do not apply to the chosen source and unknown
    /// fields are errors. Relative paths (<c>dir</c>, data files) are resolved against the config file's directory.
    /// </summary>
    public static DataSpec Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string source = s.String("source", null, SourceNames);
        (string[] own, Func<JsonSection, DataSpec> read) = source switch
        {
            "mnist" => (Sampled(ImageDataSpec.Fields), section => ImageDataSpec.ReadFields(section, ImageCorpus.Mnist)),
            "fashion_mnist" => (Sampled(ImageDataSpec.Fields), section => ImageDataSpec.ReadFields(section, ImageCorpus.FashionMnist)),
            "sphere" => (Sampled(SphereDataSpec.Fields), SphereDataSpec.ReadFields),
            "toy1d" => (Sampled(Toy1dDataSpec.Fields), Toy1dDataSpec.ReadFields),
            _ => (CsvDataSpec.Fields, (Func<JsonSection, DataSpec>)CsvDataSpec.ReadFields),
        };
        foreach (string name in SourceFields)
            if (!own.Contains(name) && s.Has(name)) throw s.Error(name, $"is not used with source '{source}'");
        var normalize = ReadNormalization(s);
        double zca = 0;
        if (normalize == NormalizationKind.Zca)
            zca = s.OptionalDouble("zca_regularization", min: 0, minExclusive: true)
                ?? throw s.Error("zca_regularization", "is required with \"normalize\": \"zca\" (ε > 0, relative to the mean eigenvalue of the input covariance)");
        else if (s.Has("zca_regularization"))
            throw s.Error("zca_regularization", "is used only with \"normalize\": \"zca\"");
        var spec = read(s) with { Normalize = normalize, ZcaRegularization = zca };
        s.RejectUnknownFields();
        return spec;
    }

    /// <summary>
    /// Loads the train and test sets. <paramref name="repositoryRoot"/> locates the default image directories
    /// (<c>.data/mnist</c>, <c>.data/fashion-mnist</c>); when null they are searched for (<see cref="DataDirectory"/>).
    /// Image sets have feature shape [1, H, W], the sphere [d], the toy [1], file inputs [columns].
    /// </summary>
    public (Dataset Train, Dataset Test) Load(string? repositoryRoot = null)
    {
        var (train, test) = LoadUnnormalized(repositoryRoot);
        return FeatureNormalization.Apply(Normalize, train, test, ZcaRegularization);
    }

    /// <summary>
    /// <see cref="Load"/> fitted to <paramref name="arch"/>: both sets reshaped to its <c>input_shape</c>, and, when
    /// <paramref name="matchOutputs"/>, an error unless each example has as many targets as the network has outputs
    /// (the analytic kernels of <c>lab gp</c> are per output and take any number).
    /// </summary>
    public (Dataset Train, Dataset Test) LoadFor(ArchitectureSpec arch, bool matchOutputs = true, string? repositoryRoot = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        var (train, test) = Load(repositoryRoot);
        if (matchOutputs && train.OutputCount != arch.OutputCount)
            throw new InvalidInputException(File, SectionField,
                $"the data has {train.OutputCount} targets per example but the network has {arch.OutputCount} outputs");
        return (FitToInputShape(train, arch.InputShape), FitToInputShape(test, arch.InputShape));
    }

    /// <summary>
    /// <paramref name="data"/> with the feature shape an architecture's <c>input_shape</c> asks for (e.g. images
    /// [1,28,28] flattened to [784]); an error naming this section when the feature counts differ.
    /// </summary>
    public Dataset FitToInputShape(Dataset data, int[] inputShape) =>
        FitToInputShape(data, inputShape, File, SectionField);

    /// <summary>
    /// <paramref name="data"/> reshaped to <paramref name="inputShape"/> when the feature counts agree; otherwise an
    /// <see cref="InvalidInputException"/> for <paramref name="file"/> and <paramref name="field"/>, e.g.
    /// "examples have 196 features but arch input_shape [784] needs 784".
    /// </summary>
    public static Dataset FitToInputShape(Dataset data, int[] inputShape, string file, string field)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (data.FeatureShape.AsSpan().SequenceEqual(inputShape)) return data;
        int needed = inputShape.Aggregate(1, (a, n) => a * n);
        if (needed != data.FeatureSize || inputShape.Any(n => n < 1))
            throw new InvalidInputException(file, field,
                $"examples have {data.FeatureSize} features but arch input_shape [{string.Join(",", inputShape)}] needs {needed}");
        return data.WithFeatureShape(inputShape);
    }

    /// <summary>The train and test sets before normalization.</summary>
    private protected abstract (Dataset Train, Dataset Test) LoadUnnormalized(string? repositoryRoot);

    /// <summary>An error for field <paramref name="name"/> of this section.</summary>
    private protected InvalidInputException Error(string name, string reason) =>
        new(File, Path.Length == 0 ? name : $"{Path}.{name}", reason);

    private static string[] Sampled(string[] fields) => [.. fields, .. SampledFields];

    private string SectionField => Path.Length == 0 ? "(root)" : Path;

    private static NormalizationKind ReadNormalization(JsonSection s) =>
        s.String("normalize", "none", "none", "unit_norm", "standardize", "zca") switch
        {
            "unit_norm" => NormalizationKind.UnitNorm,
            "standardize" => NormalizationKind.Standardize,
            "zca" => NormalizationKind.Zca,
            _ => NormalizationKind.None,
        };
}
