using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class ImageDataSpecTests : DataSectionTests
{
    [Fact]
    public void MnistFirstPerClassPooledStandardized()
    {
        var spec = Spec<ImageDataSpec>("""
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
        var a = Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 30, "seed": 1 }""").Load().Train;
        var b = Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 30, "seed": 1 }""").Load().Train;
        var c = Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 30, "seed": 2 }""").Load().Train;

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.NotEqual(a.Labels, c.Labels);
    }

    [Fact]
    public void EmptyImageTestSetKeepsTheFeatureShapeAndOutputs()
    {
        var (_, test) = Spec<ImageDataSpec>("""{ "source": "fashion_mnist", "train_size": 10, "pool": 4 }""").Load();

        Assert.Equal(0, test.Count);
        Assert.Equal([1, 7, 7], test.FeatureShape);
        Assert.Equal(10, test.OutputCount);
    }

    [Fact]
    public void LoadErrorsNameTheSizeAndPoolFields()
    {
        var tooMany = Assert.Throws<InvalidInputException>(() => Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 60001 }""").Load());
        var pool = Assert.Throws<InvalidInputException>(() => Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 10, "pool": 3 }""").Load());

        Assert.Equal(("data.train_size", "asks for 60001 images but the train split has 60000"), (tooMany.Field, tooMany.Reason));
        Assert.Equal("data.pool", pool.Field);
    }

    [Fact]
    public void ImageDirectoryIsResolvedAgainstTheConfigDirectory()
    {
        string mnist = LabeledImages.DefaultDirectory(ImageCorpus.Mnist);
        string sub = Directory.CreateDirectory(Dir.File("images")).FullName;
        foreach (string f in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte" })
            File.CreateSymbolicLink(Path.Combine(sub, f), Path.Combine(mnist, f));

        var spec = Spec<ImageDataSpec>("""{ "source": "mnist", "train_size": 10, "subset": "first_per_class", "dir": "images" }""");

        Assert.Equal(sub, spec.ImageDirectory);
        Assert.Equal(10, spec.Load().Train.Count);
    }
}
