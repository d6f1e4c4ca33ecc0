using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary>
/// <c>"source": "mnist"</c> or <c>"fashion_mnist"</c>: a subset of an IDX image corpus (<see cref="LabeledImages"/>),
/// drawn at random from <see cref="Seed"/> or the first images of each class, optionally average-pooled, with one-hot
/// targets.
/// </summary>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section.</param>
/// <param name="Corpus">Which image collection.</param>
/// <param name="TrainSize">Number of train examples.</param>
/// <param name="TestSize">Number of test examples; 0 means an empty test set.</param>
/// <param name="Seed">Seed of the random subset draw.</param>
/// <param name="Subset">How image subsets are chosen.</param>
/// <param name="Pool">Average-pooling factor (1 = none).</param>
/// <param name="OneHot">Target values for the classes.</param>
/// <param name="ImageDirectory">Explicit image directory (absolute), or null for the first data folder that holds the corpus (<see cref="DataDirectory"/>).</param>
public sealed record ImageDataSpec(string File, string Path, ImageCorpus Corpus, int TrainSize, int TestSize, long Seed,
    ImageSubset Subset, int Pool, OneHotTargets OneHot, string? ImageDirectory) : DataSpec(File, Path)
{
    /// <summary>The fields only image sources read (besides train_size, test_size and seed).</summary>
    internal static string[] Fields => ["subset", "pool", "one_hot", "dir"];

    /// <inheritdoc/>
    public override DataSource Source => Corpus == ImageCorpus.Mnist ? DataSource.Mnist : DataSource.FashionMnist;

    /// <inheritdoc/>
    public override bool HasClassLabels => true;

    /// <summary>Reads the image fields of a <c>data</c> section.</summary>
    internal static ImageDataSpec ReadFields(JsonSection s, ImageCorpus corpus)
    {
        long seed = s.Long("seed", 0);
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
        string? directory = dir is null ? null : System.IO.Path.GetFullPath(s.ResolvePath(dir));
        if (directory is not null && !System.IO.Directory.Exists(directory))
            throw s.Error("dir", $"directory not found: {directory}");
        return new ImageDataSpec(s.File, s.Path, corpus, train, test, seed, subset, pool, oneHot, directory);
    }

    private protected override (Dataset Train, Dataset Test) LoadUnnormalized(string? repositoryRoot)
    {
        string directory = ImageDirectory ?? (repositoryRoot is null
            ? DataDirectory.Find(Corpus) ?? throw Error("source", DataDirectory.NotFound(Corpus) + " (or give data.dir)")
            : LabeledImages.DefaultDirectory(Corpus, repositoryRoot));
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
}
