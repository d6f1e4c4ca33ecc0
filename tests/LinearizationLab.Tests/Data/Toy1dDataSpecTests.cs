using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class Toy1dDataSpecTests : DataSectionTests
{
    [Fact]
    public void Toy1dHasScalarFeaturesAndNoLabels()
    {
        var (train, test) = Spec<Toy1dDataSpec>("""{ "source": "toy1d", "test_size": 11, "noise_std": 0 }""").Load();

        Assert.Equal((5, 11), (train.Count, test.Count));
        Assert.Equal([1], train.FeatureShape);
        Assert.Null(train.Labels);
        Assert.Equal(train.Inputs.Select(Math.Sin), train.Targets);
    }
}
