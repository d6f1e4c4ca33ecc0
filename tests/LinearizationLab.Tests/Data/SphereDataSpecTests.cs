using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class SphereDataSpecTests : DataSectionTests
{
    [Fact]
    public void SphereSetsAreDisjointUnitNormAndReproducible()
    {
        const string json = """{ "source": "sphere", "train_size": 20, "test_size": 10, "dim": 5, "outputs": 2, "seed": 3, "teacher": { "width": 32, "seed": 8 } }""";

        var (train, test) = Spec<SphereDataSpec>(json).Load();
        var (again, _) = Spec<SphereDataSpec>(json).Load();

        Assert.Equal([5], train.FeatureShape);
        Assert.Equal((2, 10), (train.OutputCount, test.Count));
        Assert.Equal(train.Targets, again.Targets);
        Assert.Equal(new TeacherNetwork(5, 32, 1, 2, 8).Evaluate(train.Inputs, 20), train.Targets);
        Assert.Empty(train.Inputs.Intersect(test.Inputs));
    }
}
