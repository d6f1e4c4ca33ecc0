using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class CsvMatrixTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteText(string name, string text)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void RoundTripIsBitExact()
    {
        var rng = new Random(17);
        var m = new double[40, 7];
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 7; j++)
            {
                double v;
                do v = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue)); // any bit pattern
                while (!double.IsFinite(v));
                m[i, j] = v;
            }
        double[] special = [0.1, 1e-300, -0.0, 0.0, double.Epsilon, double.MaxValue, -double.MinValue, 1.0 / 3, Math.PI];
        for (int k = 0; k < special.Length; k++) m[k, k % 7] = special[k];
        string path = _dir.File("m.csv");

        CsvMatrix.Write(path, m);
        var back = CsvMatrix.Read(path);

        Assert.Equal(40, back.GetLength(0));
        Assert.Equal(7, back.GetLength(1));
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 7; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(m[i, j]), BitConverter.DoubleToInt64Bits(back[i, j]));
    }

    [Fact]
    public void WritesInvariantCultureWithoutHeader()
    {
        string path = _dir.File("small.csv");

        CsvMatrix.Write(path, new double[,] { { 0.5, -0.0 }, { 1e-300, 2 } });

        Assert.Equal("0.5,-0\n1E-300,2\n", File.ReadAllText(path));
    }

    [Fact]
    public void WriteReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = WriteText("k.csv", "old,contents,here\n");

        CsvMatrix.Write(path, new double[,] { { 1 } });

        Assert.Equal("1\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void NonNumberNamesLineAndColumn()
    {
        string path = WriteText("bad.csv", "1,2,3\n4,abc,6\n");

        var e = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(path));

        Assert.Equal(path, e.File);
        Assert.Equal("line 2", e.Field);
        Assert.Equal("column 2 is not a number ('abc')", e.Reason);
    }

    [Fact]
    public void RaggedRowIsRejected()
    {
        string path = WriteText("ragged.csv", "1,2\n3,4\n5\n");

        var e = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(path));

        Assert.Equal("line 3", e.Field);
        Assert.Equal("has 1 columns but line 1 has 2", e.Reason);
    }

    [Fact]
    public void EmptyCellAndNonFiniteValuesAreRejected()
    {
        var empty = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(WriteText("e.csv", "1,,3\n")));
        var nan = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(WriteText("n.csv", "1,2\nNaN,3\n")));

        Assert.Equal(("line 1", "column 2 is empty"), (empty.Field, empty.Reason));
        Assert.Equal("line 2", nan.Field);
        Assert.StartsWith("column 1 is not a finite number", nan.Reason);
    }

    [Fact]
    public void BlankLineInsideIsRejectedButTrailingBlankLinesAreNot()
    {
        var inside = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(WriteText("gap.csv", "1,2\n\n3,4\n")));
        var m = CsvMatrix.Read(WriteText("trailing.csv", "1, 2\r\n3 ,4\r\n\r\n"));

        Assert.Equal(("line 2", "empty row"), (inside.Field, inside.Reason));
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 } }, m);
    }

    [Fact]
    public void MissingAndEmptyFilesAreFileErrors()
    {
        var missing = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(_dir.File("none.csv")));
        var empty = Assert.Throws<InvalidInputException>(() => CsvMatrix.Read(WriteText("empty.csv", "")));

        Assert.Equal(("(file)", "file not found"), (missing.Field, missing.Reason));
        Assert.Equal(("(file)", "has no rows"), (empty.Field, empty.Reason));
    }

    [Fact]
    public void RowMajorConversionsAreInverse()
    {
        var m = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };

        Assert.Equal([1, 2, 3, 4, 5, 6], CsvMatrix.ToRowMajor(m));
        Assert.Equal(m, CsvMatrix.FromRowMajor(CsvMatrix.ToRowMajor(m), 2, 3));
    }
}
