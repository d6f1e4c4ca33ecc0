using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>
/// Facts about <see cref="NpzFile"/>: archives of <c>numpy.savez</c> (stored) and <c>savez_compressed</c> (deflated) read
/// array by array as NumPy holds them, what it writes reads back bit-exact, and errors name the archive and the array.
/// </summary>
public sealed class NpzFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("data_stored.npz")]
    [InlineData("data_compressed.npz")]
    public void StoredAndCompressedArchivesHoldTheArraysOfTheirOwnNpyFiles(string archive)
    {
        string path = NpyFixtures.File(archive);
        Assert.Equal(["x_train", "y_train", "x_test", "y_test"], NpzFile.ArrayNames(path));
        foreach (string name in NpzFile.ArrayNames(path))
            NpyFixtures.AssertBitEqual(NpyFile.Read(NpyFixtures.File($"data_{name}.npy")), NpzFile.Read(path, name));
    }

    [Fact]
    public void APositionalArrayIsNamedAsNumpyNamesIt() =>
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(3, 4), NpzFile.Read(NpyFixtures.File("one_array.npz"), "arr_0"));

    [Fact]
    public void AnObjectArrayInsideIsAnErrorNamingTheArchiveAndTheArray()
    {
        string path = NpyFixtures.File("bad_object_inside.npz");
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(2, 2), NpzFile.Read(path, "x_train"));
        var e = Assert.Throws<InvalidInputException>(() => NpzFile.Read(path, "y_train"));
        Assert.Equal((path, "y_train", "holds Python objects (dtype '|O', stored as a pickle), not numbers"), (e.File, e.Field, e.Reason));
    }

    [Fact]
    public void AMissingArrayAFileThatIsNoZipAndAMissingFileAreNamed()
    {
        string data = NpyFixtures.File("data_stored.npz"), notZip = NpyFixtures.File("bad_not_a_zip.npz");
        var missing = Assert.Throws<InvalidInputException>(() => NpzFile.Read(data, "x_val"));
        var junk = Assert.Throws<InvalidInputException>(() => NpzFile.ArrayNames(notZip));
        var absent = Assert.Throws<InvalidInputException>(() => NpzFile.Read(_dir.File("none.npz"), "x"));

        Assert.Equal(("x_val", "no such array in the archive (it holds x_train, y_train, x_test, y_test)"), (missing.Field, missing.Reason));
        Assert.Equal((notZip, "(file)"), (junk.File, junk.Field));
        Assert.StartsWith("is not a zip archive, as an .npz must be", junk.Reason);
        Assert.Equal(("(file)", "file not found"), (absent.Field, absent.Reason));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrittenArchivesReadBackBitExact(bool compressed)
    {
        var a = TestInputs.Uniform(50, 7, seed: 3);
        var b = new double[,] { { -0.0, double.MaxValue, double.Epsilon } };
        string path = _dir.File("out.npz");

        NpzFile.Write(path, [("a", a), ("b", b)], compressed);

        Assert.Equal(["a", "b"], NpzFile.ArrayNames(path));
        NpyFixtures.AssertBitEqual(a, NpzFile.Read(path, "a"));
        NpyFixtures.AssertBitEqual(b, NpzFile.Read(path, "b"));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }
}
