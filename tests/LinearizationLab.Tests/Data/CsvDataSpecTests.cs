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

    private static string Fixture(string name) => NpyFixtures.File(name);

    [Theory]
    [InlineData("data_x_train.npy", "data_y_train.npy", "data_x_test.npy", "data_y_test.npy")]
    [InlineData("data_stored.npz:x_train", "data_stored.npz:y_train", "data_stored.npz:x_test", "data_stored.npz:y_test")]
    [InlineData("data_compressed.npz", "data_compressed.npz", "data_compressed.npz", "data_compressed.npz")]
    [InlineData("data_x_train.npy", "data_y_train.csv", "data_compressed.npz:x_test", "data_y_test.npy")]
    public void NpyAndNpzDataEqualTheSameDataFromCsvToTheLastBit(string xTrain, string yTrain, string xTest, string yTest)
    {
        // NumPy wrote each array once as .npy, into both archives, and as CSV with Python's shortest round-trip repr, so
        // every source holds the same doubles; a bare archive means the array named after the field.
        var (csvTrain, csvTest) = Spec<CsvDataSpec>($$"""
            { "source": "csv", "x_train": "{{Fixture("data_x_train.csv")}}", "y_train": "{{Fixture("data_y_train.csv")}}",
              "x_test": "{{Fixture("data_x_test.csv")}}", "y_test": "{{Fixture("data_y_test.csv")}}" }
            """).Load();
        var (train, test) = Spec<CsvDataSpec>($$"""
            { "source": "csv", "x_train": "{{Fixture(xTrain)}}", "y_train": "{{Fixture(yTrain)}}",
              "x_test": "{{Fixture(xTest)}}", "y_test": "{{Fixture(yTest)}}" }
            """).Load();

        Assert.Equal((6, 3, 2), (csvTrain.Count, csvTrain.FeatureSize, csvTrain.OutputCount));
        foreach (var (expected, actual) in new[] { (csvTrain, train), (csvTest, test) })
        {
            Assert.Equal(expected.Inputs.Select(BitConverter.DoubleToInt64Bits), actual.Inputs.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Targets.Select(BitConverter.DoubleToInt64Bits), actual.Targets.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.FeatureShape, actual.FeatureShape);
        }
    }

    [Fact]
    public void RelativeArchivePathsResolveAgainstTheConfigAndVectorsAreOneTarget()
    {
        File.Copy(Fixture("data_stored.npz"), Dir.File("d.npz"));
        File.Copy(Fixture("int64_labels.npy"), Dir.File("labels.npy"));
        File.Copy(Fixture("f64_vector.npy"), Dir.File("x.npy"));

        var (train, _) = Spec<CsvDataSpec>("""{ "source": "csv", "x_train": "x.npy", "y_train": "labels.npy" }""").Load();
        var spec = Spec<CsvDataSpec>("""{ "source": "csv", "x_train": "d.npz:x_test", "y_train": "d.npz:y_test" }""");

        Assert.Equal([1], train.FeatureShape);
        Assert.Equal((1, 5), (train.OutputCount, train.Count));
        Assert.Equal([3.0, 0, 9, 1, 7], train.Targets);
        Assert.Equal(Dir.File("d.npz") + ":x_test", spec.XTrain);
        Assert.Equal(3, spec.Load().Train.Count);
    }

    [Fact]
    public void AnArchiveWithoutTheArrayIsAnErrorNamingTheFieldAndListingTheArrays()
    {
        File.Copy(Fixture("data_stored.npz"), Dir.File("d.npz"));
        File.Copy(Fixture("one_array.npz"), Dir.File("one.npz"));

        var named = Rejected("""{ "source": "csv", "x_train": "d.npz:x_val", "y_train": "d.npz" }""");
        var fieldName = Rejected("""{ "source": "csv", "x_train": "d.npz", "y_train": "d.npz:y_train", "x_test": "one.npz", "y_test": "d.npz:x_train_labels" }""");

        Assert.Equal(("data.x_train", $"{Dir.File("d.npz")} has no array 'x_val' (it holds x_train, y_train, x_test, y_test)"), (named.Field, named.Reason));
        Assert.Equal(("data.y_test", $"{Dir.File("d.npz")} has no array 'x_train_labels' (it holds x_train, y_train, x_test, y_test)"),
            (fieldName.Field, fieldName.Reason));
    }

    [Fact]
    public void AnObjectArrayInTheDataIsAnErrorNamingTheArchiveAndTheArray()
    {
        string archive = Fixture("bad_object_inside.npz");
        var e = Assert.Throws<InvalidInputException>(() =>
            Spec<CsvDataSpec>($$"""{ "source": "csv", "x_train": "{{archive}}", "y_train": "{{archive}}" }""").Load());
        Assert.Equal($"{archive}: y_train: holds Python objects (dtype '|O', stored as a pickle), not numbers", e.Message);
    }
}
