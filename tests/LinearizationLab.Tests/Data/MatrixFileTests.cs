using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>
/// Facts about <see cref="MatrixFile"/>: a reference's name chooses the reader (CSV, .npy, an .npz's array), the three give the
/// same numbers, and the default output format turns to npy above a million entries.
/// </summary>
public sealed class MatrixFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("data.npz:x_train", "data.npz", "x_train")]
    [InlineData("/a/b.NPZ:y", "/a/b.NPZ", "y")]
    [InlineData("data.npz", "data.npz", null)]
    [InlineData("data.npz:", "data.npz", null)]
    [InlineData("x.npy", "x.npy", null)]
    [InlineData("odd:name.csv", "odd:name.csv", null)]
    public void AnArchiveReferenceSplitsAtTheLastNpzColon(string reference, string path, string? array) =>
        Assert.Equal((path, array), MatrixFile.SplitReference(reference));

    [Fact]
    public void CsvNpyAndAnNpzArrayOfTheSameNumbersReadEqual()
    {
        var expected = NpyFile.Read(NpyFixtures.File("data_x_train.npy"));
        NpyFixtures.AssertBitEqual(expected, MatrixFile.Read(NpyFixtures.File("data_x_train.csv")));
        NpyFixtures.AssertBitEqual(expected, MatrixFile.Read(NpyFixtures.File("data_x_train.npy")));
        NpyFixtures.AssertBitEqual(expected, MatrixFile.Read(NpyFixtures.File("data_compressed.npz") + ":x_train"));
        NpyFixtures.AssertBitEqual(expected, MatrixFile.Read(NpyFixtures.File("data_stored.npz"), defaultArray: "x_train"));
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(3, 4), MatrixFile.Read(NpyFixtures.File("one_array.npz")));
    }

    [Fact]
    public void ABareArchiveOfSeveralArraysWithoutADefaultIsAnErrorListingThem()
    {
        string path = NpyFixtures.File("data_stored.npz");
        var e = Assert.Throws<InvalidInputException>(() => MatrixFile.Read(path));
        Assert.Equal((path, "(file)", $"it holds x_train, y_train, x_test, y_test; name one as {path}:NAME"), (e.File, e.Field, e.Reason));
    }

    [Theory]
    [InlineData(1_000_000L, MatrixFormat.Csv)]
    [InlineData(1_000_001L, MatrixFormat.Npy)]
    [InlineData(1L, MatrixFormat.Csv)]
    public void TheDefaultFormatIsNpyAboveAMillionEntries(long entries, MatrixFormat format) =>
        Assert.Equal(format, MatrixFile.DefaultFormat(entries));

    [Fact]
    public void FormatNamesAndFileNames()
    {
        Assert.True(MatrixFile.TryParseFormat("NPY", out var npy));
        Assert.True(MatrixFile.TryParseFormat("csv", out var csv));
        Assert.False(MatrixFile.TryParseFormat("npz", out _));
        Assert.Equal(("ntk.npy", "ntk.csv"), (MatrixFile.FileName("ntk", npy), MatrixFile.FileName("ntk", csv)));
    }

    [Theory]
    [InlineData(MatrixFormat.Csv)]
    [InlineData(MatrixFormat.Npy)]
    public void BothFormatsRoundTripBitExact(MatrixFormat format)
    {
        var m = TestInputs.Uniform(9, 4, seed: 11);
        string path = _dir.File(MatrixFile.FileName("m", format));
        MatrixFile.Write(path, m, format);
        NpyFixtures.AssertBitEqual(m, MatrixFile.Read(path));
    }
}
