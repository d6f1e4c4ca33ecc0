using System.IO.Compression;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An IDX ubyte file: magic 0x000008nn, big-endian sizes, then the payload.</summary>
    private static byte[] Idx(int[] dims, byte[] payload, byte type = 0x08)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int n in dims) bytes.AddRange([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
        bytes.AddRange(payload);
        return bytes.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal)) gz.Write(raw);
        return output.ToArray();
    }

    [Fact]
    public void ReadsDimensionsAndPayloadInRowMajorOrder()
    {
        byte[] payload = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 7)).ToArray();
        string path = _dir.File("images");
        File.WriteAllBytes(path, Idx([2, 3, 4], payload));

        var idx = IdxFile.Read(path);

        Assert.Equal([2, 3, 4], idx.Dimensions);
        Assert.Equal(payload, idx.Data);
    }

    [Fact]
    public void GzipIsDetectedByMagicBytesNotByExtensionAndGivesTheSameBytesAsRaw()
    {
        byte[] raw = Idx([5], [9, 8, 7, 6, 5]);
        string rawPath = _dir.File("labels-idx1-ubyte");
        string gzNoExtension = _dir.File("labels-compressed-but-no-suffix");
        File.WriteAllBytes(rawPath, raw);
        File.WriteAllBytes(gzNoExtension, Gzip(raw));

        var a = IdxFile.Read(rawPath);
        var b = IdxFile.Read(gzNoExtension);

        Assert.Equal(a.Dimensions, b.Dimensions);
        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void MnistLabelsRawAndRecompressedReadTheSame()
    {
        string raw = Path.Combine(LabeledImages.DefaultDirectory(ImageCorpus.Mnist), "t10k-labels-idx1-ubyte");
        string gz = _dir.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(gz, Gzip(File.ReadAllBytes(raw)));

        var a = IdxFile.Read(raw);
        var b = IdxFile.Read(gz);

        Assert.Equal([10000], a.Dimensions);
        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void BadMagicNumberIsAHeaderError()
    {
        string path = _dir.File("bad-magic");
        var bytes = Idx([2], [1, 2]);
        bytes[0] = 0x12;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.File);
        Assert.Equal("(header)", e.Field);
        Assert.Contains("magic number 0x12000801", e.Reason);
    }

    [Fact]
    public void NonByteDataTypeIsRejectedWithItsTypeCode()
    {
        string path = _dir.File("float-idx");
        File.WriteAllBytes(path, Idx([1], [0, 0, 0, 0], type: 0x0D));

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal("(header)", e.Field);
        Assert.Contains("0x0D", e.Reason);
        Assert.Contains("only unsigned bytes", e.Reason);
    }

    [Fact]
    public void TruncatedPayloadNamesExpectedAndActualBytes()
    {
        string path = _dir.File("truncated");
        File.WriteAllBytes(path, Idx([3, 2, 2], new byte[10]));

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.File);
        Assert.Equal("(data)", e.Field);
        Assert.Contains("need 12 payload bytes but the file has 10", e.Reason);
    }

    [Fact]
    public void TruncatedGzipPayloadIsAlsoRejected()
    {
        string path = _dir.File("truncated.gz");
        File.WriteAllBytes(path, Gzip(Idx([100], new byte[60])));

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal("(data)", e.Field);
        Assert.Contains("need 100 payload bytes but the file has 60", e.Reason);
    }

    [Fact]
    public void CutGzipStreamIsRejected()
    {
        var rng = new Random(1);
        var payload = new byte[5000];
        rng.NextBytes(payload); // incompressible, so half the gzip bytes hold about half the payload
        byte[] gz = Gzip(Idx([5000], payload));
        string path = _dir.File("cut.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.File);
        Assert.Contains(e.Field, new[] { "(file)", "(data)" }); // a corrupt stream or a short payload, by where the cut falls
    }

    [Fact]
    public void HeaderShorterThanItsDimensionCountIsRejected()
    {
        string path = _dir.File("short-header");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 1]);

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal("(header)", e.Field);
        Assert.Contains("3 dimensions", e.Reason);
    }

    [Fact]
    public void MissingFileIsAFileError()
    {
        string path = _dir.File("absent");

        var e = Assert.Throws<InvalidInputException>(() => IdxFile.Read(path));

        Assert.Equal(path, e.File);
        Assert.Equal("(file)", e.Field);
        Assert.Equal("file not found", e.Reason);
    }
}
