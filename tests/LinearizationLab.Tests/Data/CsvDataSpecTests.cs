using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class CsvDataSpecTests : DataSectionTests
{
    [Fact]
    public void CsvLoadsInputsAndTargetsRowMajor()
    {
        File.WriteAllText(Dir.File("x.csv"), "1,2,3\n4,5,6\n");
        File.WriteAllText(Dir.File("y.csv"), "0.5,1\n-1,2\n");
        File.WriteAllText(Dir.File("xt.csv"), "7,8,9\n");
        File.WriteAllText(Dir.File("yt.csv"), "3,4\n");

        var (train, test) = Spec<CsvDataSpec>("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv", "x_test": "xt.csv", "y_test": "yt.csv" }""").Load();

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
        File.WriteAllText(Dir.File("x.csv"), "1\n2\n3\n");
        File.WriteAllText(Dir.File("y.csv"), "1\n2\n");

        var e = Assert.Throws<InvalidInputException>(() => Spec<CsvDataSpec>("""{ "source": "csv", "x_train": "x.csv", "y_train": "y.csv" }""").Load());

        Assert.Equal("data.y_train", e.Field);
        Assert.EndsWith("has 2 rows but x_train has 3", e.Reason);
    }
}
