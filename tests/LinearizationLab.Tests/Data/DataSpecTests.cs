using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class DataSpecTests : DataSectionTests
{
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
    [InlineData("""{ "source": "mnist", "train_size": 10, "normalize": "zca" }""", "data.zca_regularization")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "normalize": "zca", "zca_regularization": 0 }""", "data.zca_regularization")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "normalize": "zca", "zca_regularization": -0.1 }""", "data.zca_regularization")]
    [InlineData("""{ "source": "mnist", "train_size": 10, "zca_regularization": 0.1 }""", "data.zca_regularization")]
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
        File.WriteAllText(Dir.File("x.csv"), "1,2\n3,4\n");
        File.WriteAllText(Dir.File("y.csv"), "1\n0\n");

        var e = Rejected(data);

        Assert.Equal(ConfigPath, e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void MissingCsvFileReasonGivesTheResolvedPath()
    {
        File.WriteAllText(Dir.File("y.csv"), "1\n");

        var e = Rejected("""{ "source": "csv", "x_train": "sub/x.csv", "y_train": "y.csv" }""");

        Assert.Equal($"file not found: {Dir.File("sub/x.csv")}", e.Reason);
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
        var mnist = Spec<ImageDataSpec>("""{ "source": "MNIST", "train_size": 10 }""");
        var toy = Spec<Toy1dDataSpec>("""{ "source": "toy1d" }""");
        var sphere = Spec<SphereDataSpec>("""{ "source": "sphere", "train_size": 3, "seed": 4 }""");

        Assert.Equal((DataSource.Mnist, 0, 0L, ImageSubset.Random, 1, NormalizationKind.None, OneHotTargets.Standard),
            (mnist.Source, mnist.TestSize, mnist.Seed, mnist.Subset, mnist.Pool, mnist.Normalize, mnist.OneHot));
        Assert.Null(mnist.ImageDirectory);
        Assert.Equal((5, 0, 0.1), (toy.TrainSize, toy.TestSize, toy.NoiseStd));
        Assert.Equal((16, 1, 512, 1, 4L), (sphere.Dimension, sphere.Outputs, sphere.TeacherWidth, sphere.TeacherDepth, sphere.TeacherSeed));
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
