using LinearizationLab.Configuration;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class DataSpecTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string ConfigPath => _dir.File("run.json");

    /// <summary>Reads <c>{"data": DATA}</c> as if from run.json in the temporary directory.</summary>
    private DataSpec Spec(string data) =>
        DataSpec.Read(JsonSection.Parse($$"""{ "data": {{data}} }""", ConfigPath).RequiredSection("data"));

    private InvalidInputException Rejected(string data) => Assert.Throws<InvalidInputException>(() => Spec(data));

    [Theory]
    [InlineData("""{ "source": "cifar", "train_size": 10 }""", "data.source")]
    [InlineData("""{ "train_size": 10 }""", "data.source")]
    [InlineData("""{ "source": "mnist", "train_size": 0 }""", "data.train_size")]
    [InlineData("""{ "source": "mnist" }""", "data.train_size")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "test_size": -1 }""", "data.test_size")]
    [InlineData("""{ "source": "mnist", "train_size": 15, "subset": "first_per_class" }""", "data.train_size")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "subset": "stratified" }""", "data.subset")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "pool": 0 }""", "data.pool")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "normalize": "l2" }""", "data.normalize")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "one_hot": [0.9, -0.1] }""", "data.one_hot")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "one_hot": [0, 1, 2] }""", "data.one_hot")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "dir": "no-such-dir" }""", "data.dir")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "trian_size": 10 }""", "data.trian_size")]
    [InlineData("""{ "source": "sphere", "train_size": 10, "pool": 2 }""", "data.pool")]
    [InlineData("""{ "source": "sphere", "train_size": 10, "dim": 0 }""", "data.dim")]
    [InlineData("""{ "source": "sphere", "train_size": 10, "teacher": { "widht": 8 } }""", "data.teacher.widht")]
    [InlineData("""{ "source": "sphere", "train_size": 10, "teacher": { "depth": -1 } }""", "data.teacher.depth")]
    [InlineData("""{ "source": "toy1d", "noise_std": -0.1 }""", "data.noise_std")]
    [InlineData("""{ "source": "toy1d", "dim": 3 }""", "data.dim")]
    [InlineData("""{ "source": "csv", "x_train": "x.csv" }""", "data.y_train")]
    [InlineData("""{ "source": "csv", "x_train": "missing.csv", "y_train": "y.csv" }""", "data.x_train")]
    [InlineData("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv", "y_test": "y.csv" }""", "data.x_test")]
    [InlineData("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv", "train_size": 2 }""", "data.train_size")]
    [InlineData("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv", "seed": 2 }""", "data.seed")]
    public void BadFieldIsNamedByItsJsonPath(string data, string field)
    {
        File.WriteAllText(_dir.File("x.csv"), "1,2\n3,4\n");
        File.WriteAllText(_dir.File("y.csv"), "1\n0\n");

        var e = Rejected(data);

        Assert.Equal(ConfigPath, e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void MissingCsvFileReasonGivesTheResolvedPath()
    {
        File.WriteAllText(_dir.File("y.csv"), "1\n");

        var e = Rejected("""{ "source": "csv", "x_train": "sub/x.csv", "y_train": "y.csv" }""");

        Assert.Equal($"file not found: {_dir.File("sub/x.csv")}", e.Reason);
    }

    [Fact]
    public void FieldOfAnotherSourceIsReportedAsNotUsed()
    {
        var e = Rejected("""{ "source": "toy1d", "one_hot": [0, 1] }""");

        Assert.Equal("is not used with source 'toy1d'", e.Reason);
    }

    [Fact]
    public void DefaultsFollowTheConfigContract()
    {
        var mnist = Spec("""{ "source": "MNIST", "train_size": 10 }""");
        var toy = Spec("""{ "source": "toy1d" }""");
        var sphere = Spec("""{ "source": "sphere", "train_size": 3, "seed": 4 }""");

        Assert.Equal((DataSource.Mnist, 0, 0L, ImageSubset.Random, 1, NormalizationKind.None, OneHotTargets.Standard),
            (mnist.Source, mnist.TestSize, mnist.Seed, mnist.Subset, mnist.Pool, mnist.Normalize, mnist.OneHot));
        Assert.Null(mnist.ImageDirectory);
        Assert.Equal((5, 0, 0.1), (toy.TrainSize, toy.TestSize, toy.NoiseStd));
        Assert.Equal((16, 1, 512, 1, 4L), (sphere.Dimension, sphere.Outputs, sphere.TeacherWidth, sphere.TeacherDepth, sphere.TeacherSeed));
    }

    [Fact]
    public void MnistFirstPerClassPooledStandardized()
    {
        var spec = Spec("""
            { "source": "mnist", "train_size": 100, "test_size": 50, "subset": "first_per_class",
              "pool": 2, "normalize": "standardize", "one_hot": [-0.1, 0.9] }
            """);

        var (train, test) = spec.Load();

        Assert.Equal((100, 50), (train.Count, test.Count));
        Assert.Equal([1, 14, 14], train.FeatureShape);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(10, train.Labels!.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(5, test.Labels!.Count(l => l == c)));
        Assert.All(train.Targets, t => Assert.True(t is -0.1 or 0.9));
        // Pixel 0 (the corner) is blank in every MNIST image, so standardization leaves it at 0.
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(0.0, train.Inputs[i * 196]));
        // The centre feature (7·14+7) varies over the train set, so it is standardized to mean 0 (round-off of a 100-term sum).
        Assert.Equal(0.0, Enumerable.Range(0, 100).Average(i => train.Inputs[i * 196 + 105]), 1e-12);
    }

    [Fact]
    public void MnistRandomSubsetIsReproducibleAndFollowsTheSeed()
    {
        var a = Spec("""{ "source": "mnist", "train_size": 30, "seed": 1 }""").Load().Train;
        var b = Spec("""{ "source": "mnist", "train_size": 30, "seed": 1 }""").Load().Train;
        var c = Spec("""{ "source": "mnist", "train_size": 30, "seed": 2 }""").Load().Train;

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.NotEqual(a.Labels, c.Labels);
    }

    [Fact]
    public void EmptyImageTestSetKeepsTheFeatureShapeAndOutputs()
    {
        var (_, test) = Spec("""{ "source": "fashion_mnist", "train_size": 10, "pool": 4 }""").Load();

        Assert.Equal(0, test.Count);
        Assert.Equal([1, 7, 7], test.FeatureShape);
        Assert.Equal(10, test.OutputCount);
    }

    [Fact]
    public void LoadErrorsNameTheSizeAndPoolFields()
    {
        var tooMany = Assert.Throws<InvalidInputException>(() => Spec("""{ "source": "mnist", "train_size": 60001 }""").Load());
        var pool = Assert.Throws<InvalidInputException>(() => Spec("""{ "source": "mnist", "train_size": 10, "pool": 3 }""").Load());

        Assert.Equal(("data.train_size", "asks for 60001 images but the train split has 60000"), (tooMany.Field, tooMany.Reason));
        Assert.Equal("data.pool", pool.Field);
    }

    [Fact]
    public void ImageDirectoryIsResolvedAgainstTheConfigDirectory()
    {
        string mnist = LabeledImages.DefaultDirectory(ImageCorpus.Mnist);
        string sub = Directory.CreateDirectory(_dir.File("images")).FullName;
        foreach (string f in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte" })
            File.CreateSymbolicLink(Path.Combine(sub, f), Path.Combine(mnist, f));

        var spec = Spec("""{ "source": "mnist", "train_size": 10, "subset": "first_per_class", "dir": "images" }""");

        Assert.Equal(sub, spec.ImageDirectory);
        Assert.Equal(10, spec.Load().Train.Count);
    }

    [Fact]
    public void SphereSetsAreDisjointUnitNormAndReproducible()
    {
        const string json = """{ "source": "sphere", "train_size": 20, "test_size": 10, "dim": 5, "outputs": 2, "seed": 3, "teacher": { "width": 32, "seed": 8 } }""";

        var (train, test) = Spec(json).Load();
        var (again, _) = Spec(json).Load();

        Assert.Equal([5], train.FeatureShape);
        Assert.Equal((2, 10), (train.OutputCount, test.Count));
        Assert.Equal(train.Targets, again.Targets);
        Assert.Equal(new TeacherNetwork(5, 32, 1, 2, 8).Evaluate(train.Inputs, 20), train.Targets);
        Assert.Empty(train.Inputs.Intersect(test.Inputs));
    }

    [Fact]
    public void Toy1dHasScalarFeaturesAndNoLabels()
    {
        var (train, test) = Spec("""{ "source": "toy1d", "test_size": 11, "noise_std": 0 }""").Load();

        Assert.Equal((5, 11), (train.Count, test.Count));
        Assert.Equal([1], train.FeatureShape);
        Assert.Null(train.Labels);
        Assert.Equal(train.Inputs.Select(Math.Sin), train.Targets);
    }

    [Fact]
    public void CsvLoadsInputsAndTargetsRowMajor()
    {
        File.WriteAllText(_dir.File("x.csv"), "1,2,3\n4,5,6\n");
        File.WriteAllText(_dir.File("y.csv"), "0.5,1\n-1,2\n");
        File.WriteAllText(_dir.File("xt.csv"), "7,8,9\n");
        File.WriteAllText(_dir.File("yt.csv"), "3,4\n");

        var (train, test) = Spec("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv", "x_test": "xt.csv", "y_test": "yt.csv" }""").Load();

        Assert.Equal([1, 2, 3, 4, 5, 6], train.Inputs);
        Assert.Equal([3], train.FeatureShape);
        Assert.Equal([0.5, 1, -1, 2], train.Targets);
        Assert.Equal(2, train.OutputCount);
        Assert.Null(train.Labels);
        Assert.Equal([7, 8, 9], test.Inputs);
    }

    [Fact]
    public void CsvRowCountMismatchNamesTheTargetsField()
    {
        File.WriteAllText(_dir.File("x.csv"), "1\n2\n3\n");
        File.WriteAllText(_dir.File("y.csv"), "1\n2\n");

        var e = Assert.Throws<InvalidInputException>(() => Spec("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv" }""").Load());

        Assert.Equal("data.y_train", e.Field);
        Assert.EndsWith("has 2 rows but x_train has 3", e.Reason);
    }

    [Fact]
    public void FitToInputShapeFlattensOrNamesTheMismatch()
    {
        var spec = Spec("""{ "source": "toy1d" }""");
        var images = new Dataset(new double[2 * 196], [1, 14, 14], new double[20], 10, [0, 1]);

        var flat = spec.FitToInputShape(images, [196]);
        var e = Assert.Throws<InvalidInputException>(() => spec.FitToInputShape(images, [784]));

        Assert.Equal([196], flat.FeatureShape);
        Assert.Same(images.Inputs, flat.Inputs);
        Assert.Equal(ConfigPath, e.File);
        Assert.Equal("data", e.Field);
        Assert.Equal("examples have 196 features but arch input_shape [784] needs 784", e.Reason);
        Assert.Equal($"{ConfigPath}: data: examples have 196 features but arch input_shape [784] needs 784", e.Message);
    }
}
