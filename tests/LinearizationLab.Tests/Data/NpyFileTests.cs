using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>
/// Facts about <see cref="NpyFile"/>: arrays NumPy wrote in every supported dtype, order, byte order and header version read as
/// the numbers NumPy holds to the last bit; what it writes is byte for byte what <c>numpy.save</c> writes and reads back
/// bit-exact; anything else is one error naming the file and what it holds.
/// </summary>
public sealed class NpyFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("f64_c.npy")]
    [InlineData("f64_fortran.npy")]
    [InlineData("f64_big_endian.npy")]
    [InlineData("f64_version2.npy")]
    [InlineData("f64_version3.npy")]
    public void Float64InAnyOrderByteOrderOrVersionReadsAsNumPysValues(string name) =>
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(3, 4), NpyFile.Read(NpyFixtures.File(name)));

    [Theory]
    [InlineData("f32_c.npy")]
    [InlineData("f32_big_endian_fortran.npy")]
    public void Float32ReadsAsTheFloat32ValuesWidenedExactly(string name) =>
        // NumPy rounds (i·4 + j + 1)/7 to float32 to nearest, as the cast (float) does; widening to float64 is exact.
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(3, 4, v => (float)v), NpyFile.Read(NpyFixtures.File(name)));

    [Fact]
    public void Float16ReadsAsTheHalfValuesWidenedExactly() =>
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(3, 4, v => (double)(Half)v), NpyFile.Read(NpyFixtures.File("f16_c.npy")));

    [Fact]
    public void AVectorIsOneColumnAndImagesAreFlattenedPerExampleInCOrder()
    {
        NpyFixtures.AssertBitEqual(CsvMatrix.FromRowMajor(CsvMatrix.ToRowMajor(NpyFixtures.Grid(1, 5)), 5, 1),
            NpyFile.Read(NpyFixtures.File("f64_vector.npy")));
        // (2, 2, 3, 4) float32 stored in Fortran order: each example's 24 values in C order are row i of grid(2, 24).
        NpyFixtures.AssertBitEqual(NpyFixtures.Grid(2, 24, v => (float)v), NpyFile.Read(NpyFixtures.File("f32_images_fortran.npy")));
    }

    [Theory]
    [InlineData("int64_labels.npy", new double[] { 3, 0, 9, 1, 7 })]
    [InlineData("int32_labels.npy", new double[] { 3, 0, 9, 1, 7 })]
    [InlineData("uint8_labels.npy", new double[] { 3, 0, 9, 1, 255 })]
    public void IntegerLabelsReadAsOneColumnOfExactFloats(string name, double[] labels) =>
        NpyFixtures.AssertBitEqual(CsvMatrix.FromRowMajor(labels, labels.Length, 1), NpyFile.Read(NpyFixtures.File(name)));

    [Fact]
    public void BigEndianIntegersAndBoolsReadAsTheirValues()
    {
        Assert.Equal(new double[,] { { -3, 2 }, { 32767, -32768 } }, NpyFile.Read(NpyFixtures.File("int16_big_endian.npy")));
        Assert.Equal(new double[,] { { 1, 0 }, { 0, 1 } }, NpyFile.Read(NpyFixtures.File("bool.npy")));
    }

    [Theory]
    [InlineData("bad_object.npy", "(header)", "holds Python objects (dtype '|O', stored as a pickle), not numbers")]
    [InlineData("bad_pickle.npy", "(header)", "is a Python pickle, not a .npy array (pickles are not read)")]
    [InlineData("bad_truncated.npy", "(data)", "truncated: shape (3, 4) of float64 needs 96 bytes of data but the file has 76")]
    [InlineData("bad_header_truncated.npy", "(header)", "truncated header: it declares 118 bytes but the file ends after 40 bytes")]
    [InlineData("bad_magic.npy", "(header)", "does not start with the .npy magic string \\x93NUMPY (it starts with '1.0,2.')")]
    [InlineData("bad_complex.npy", "(header)", "holds complex numbers (dtype '<c16'); only real numbers are read")]
    [InlineData("bad_structured.npy", "(header)", "holds a structured array (fields 'a', 'b'), not plain numbers")]
    [InlineData("bad_strings.npy", "(header)", "holds strings (dtype '<U2'), not numbers")]
    [InlineData("bad_scalar.npy", "(header)", "holds a 0-d array (a single float64); a matrix needs shape (N,) or (N, d, …)")]
    [InlineData("bad_empty.npy", "(header)", "holds an empty array of shape (0, 3)")]
    [InlineData("bad_nan.npy", "(data)", "row 1, column 0 (counted from 0) is NaN; only finite numbers are read")]
    [InlineData("data_stored.npz", "(header)", "is a zip archive (an .npz?), not a .npy array")]
    [InlineData("no_such_file.npy", "(file)", "file not found")]
    public void AFileThatHoldsNoNumericArrayIsOneErrorNamingItAndWhatItHolds(string name, string field, string reason)
    {
        string path = NpyFixtures.File(name);
        var e = Assert.Throws<InvalidInputException>(() => NpyFile.Read(path));
        Assert.Equal((path, field, reason), (e.File, e.Field, e.Reason));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WhatItWritesIsByteForByteWhatNumpySaveWrites()
    {
        // Header dict, padding to 64 bytes and little-endian C-order data all as numpy.save writes them (NumPy 2.2.4).
        string path = _dir.File("grid.npy");
        NpyFile.Write(path, NpyFixtures.Grid(3, 4));
        Assert.Equal(File.ReadAllBytes(NpyFixtures.File("f64_c.npy")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Float64RoundTripIsBitExactForEveryFiniteBitPattern()
    {
        // 1100 × 1000 is more than one chunk of 2^20 elements, so the chunked copy's seams are crossed.
        var random = new Random(5);
        var m = new double[1100, 1000];
        for (int i = 0; i < 1100; i++)
            for (int j = 0; j < 1000; j++)
            {
                double v;
                do v = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
                while (!double.IsFinite(v));
                m[i, j] = v;
            }
        m[0, 0] = -0.0;
        m[1, 1] = double.Epsilon;
        string path = _dir.File("random.npy");

        NpyFile.Write(path, m);

        NpyFixtures.AssertBitEqual(m, NpyFile.Read(path));
        Assert.Equal(128 + 8L * m.Length, new FileInfo(path).Length);   // a 128-byte header (64-byte aligned), then 8 bytes an entry
    }

    [Fact]
    public void Float32WritesFourBytesAnEntryAndReadsBackExactly()
    {
        var m = new float[,] { { 0.1f, -0.0f, float.Epsilon }, { float.MaxValue, 1 / 3f, -7.5f } };
        string path = _dir.File("f32.npy");

        NpyFile.Write(path, m);
        var back = NpyFile.Read(path);

        Assert.Equal(128 + 4L * m.Length, new FileInfo(path).Length);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(m[i, j]), BitConverter.DoubleToInt64Bits(back[i, j]));
    }

    [Fact]
    public void WritingRefusesNonFiniteValuesAndEmptyMatricesBeforeCreatingTheFile()
    {
        string path = _dir.File("bad.npy");
        Assert.Throws<ArgumentException>(() => NpyFile.Write(path, new double[,] { { 1, double.NaN } }));
        Assert.Throws<ArgumentException>(() => NpyFile.Write(path, new double[0, 3]));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void AWriteTheFileSystemRefusesIsAnOutputWriteErrorNamingTheFileAndLeavesNothing()
    {
        string blocker = _dir.File("not-a-folder");
        File.WriteAllText(blocker, "a file where a folder should be");
        string path = Path.Combine(blocker, "ntk.npy");
        var e = Assert.Throws<OutputWriteException>(() => NpyFile.Write(path, NpyFixtures.Grid(2, 2)));
        Assert.Equal(path, e.File);
        Assert.Equal([blocker], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void WritingReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = _dir.File("k.npy");
        File.WriteAllText(path, "old");
        NpyFile.Write(path, new double[,] { { 2.5 } });
        Assert.Equal(new double[,] { { 2.5 } }, NpyFile.Read(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }
}
