using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class LabeledImagesTests(ImageCorpusFixture corpora) : IClassFixture<ImageCorpusFixture>
{
    [Fact]
    public void MnistTestSetHasTheKnownClassCounts()
    {
        var test = corpora.MnistTest;

        Assert.Equal(10000, test.Count);
        Assert.Equal(28, test.Height);
        Assert.Equal(28, test.Width);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test.ClassCounts());
    }

    [Fact]
    public void MnistTrainSetHas60000Images()
    {
        Assert.Equal(60000, corpora.MnistTrain.Count);
        Assert.Equal(60000, corpora.MnistTrain.ClassCounts().Sum());
    }

    [Fact]
    public void FashionMnistSplitsAreBalanced()
    {
        Assert.Equal(Enumerable.Repeat(1000, 10), corpora.FashionTest.ClassCounts());
        Assert.Equal(Enumerable.Repeat(6000, 10), corpora.FashionTrain.ClassCounts());
        Assert.Equal((28, 28), (corpora.FashionTest.Height, corpora.FashionTest.Width));
    }

    [Fact]
    public void PixelsAreScaledToExactlyTheUnitInterval()
    {
        var test = corpora.MnistTest;
        var data = test.ToDataset(Enumerable.Range(0, test.Count).ToArray(), 1, OneHotTargets.Standard);

        Assert.Equal([1, 28, 28], data.FeatureShape);
        Assert.Equal(10000 * 784, data.Inputs.Length);
        // MNIST uses the full byte range: 0/255 and 255/255 are exact in float64.
        Assert.Equal(0.0, data.Inputs.Min());
        Assert.Equal(1.0, data.Inputs.Max());
    }

    [Fact]
    public void FirstPerClassTakesExactlyTheFirstKOfEachClass()
    {
        var test = corpora.MnistTest;
        const int k = 7;

        int[] indices = test.FirstPerClass(k);

        Assert.Equal(10 * k, indices.Length);
        for (int c = 0; c < 10; c++)
        {
            var expected = Enumerable.Range(0, test.Count).Where(i => test.Label(i) == c).Take(k);
            Assert.Equal(expected, indices.Where(i => test.Label(i) == c));
        }
        var data = test.ToDataset(indices, 1, OneHotTargets.Standard);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(k, data.Labels!.Count(l => l == c)));
    }

    [Fact]
    public void RandomSubsetIsReproducibleDistinctAndSeedDependent()
    {
        var train = corpora.MnistTrain;

        int[] a = train.RandomSubset(500, 3);
        int[] b = train.RandomSubset(500, 3);
        int[] c = train.RandomSubset(500, 4);

        Assert.Equal(a, b);
        Assert.Equal(500, a.Distinct().Count());
        Assert.All(a, i => Assert.InRange(i, 0, train.Count - 1));
        // Two independent draws of 500 from 60,000 share about 500²/60,000 ≈ 4 indices, far from all.
        Assert.True(a.Intersect(c).Count() < 50);
    }

    [Fact]
    public void PoolingByTwoIsTheMeanOfEachTwoByTwoBlock()
    {
        var test = corpora.MnistTest;
        const int image = 0;

        var pooled = test.ToDataset([image], 2, OneHotTargets.Standard);

        Assert.Equal([1, 14, 14], pooled.FeatureShape);
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 14; x++)
            {
                double mean = (test.Pixel(image, 2 * y, 2 * x) / 255.0 + test.Pixel(image, 2 * y, 2 * x + 1) / 255.0
                    + test.Pixel(image, 2 * y + 1, 2 * x) / 255.0 + test.Pixel(image, 2 * y + 1, 2 * x + 1) / 255.0) / 4;
                // Sum-then-divide vs divide-then-average of four values in [0,1]: a few ulps of 1.
                Assert.Equal(mean, pooled.Inputs[y * 14 + x], 1e-15);
            }
        Assert.Contains(pooled.Inputs, v => v > 0); // the image is not blank, so the check above has content
    }

    [Fact]
    public void PoolFactorMustDivideTheImageSize()
    {
        Assert.Throws<ArgumentException>(() => corpora.MnistTest.ToDataset([0], 3, OneHotTargets.Standard));
    }

    [Fact]
    public void TargetsAreOneHotOfTheLabelsWithTheRequestedValues()
    {
        var test = corpora.MnistTest;

        var data = test.ToDataset([0, 1, 2], 1, new OneHotTargets(-0.1, 0.9));

        Assert.Equal(10, data.OutputCount);
        Assert.Equal(3, data.Count);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(test.Label(r), data.Labels![r]);
            for (int c = 0; c < 10; c++)
                Assert.Equal(c == test.Label(r) ? 0.9 : -0.1, data.Targets[r * 10 + c]);
        }
    }

    [Fact]
    public void MissingDirectoryNamesTheImageFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "linlab-absent-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<InvalidInputException>(() => LabeledImages.Load(dir, ImageSplit.Test));

        Assert.Equal(Path.Combine(dir, "t10k-images-idx3-ubyte"), e.File);
        Assert.Equal("(file)", e.Field);
    }
}
