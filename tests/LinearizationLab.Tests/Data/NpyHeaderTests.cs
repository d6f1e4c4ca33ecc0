using System.Text;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>Facts about <see cref="NpyHeader"/>: the dict is read as Python writes it (either quote, Python 2's long sizes), versions beyond 3.0 are refused, and written headers align the data to 64 bytes.</summary>
public sealed class NpyHeaderTests
{
    private static byte[] File(string dict, byte major = 1)
    {
        var body = Encoding.Latin1.GetBytes(dict + "\n");
        var bytes = new List<byte>([0x93, .. "NUMPY"u8, major, 0]);
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)body.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)body.Length));
        bytes.AddRange(body);
        return [.. bytes];
    }

    private static NpyHeader Read(byte[] bytes) =>
        NpyHeader.Read(new MemoryStream(bytes), bytes.Length, reason => new InvalidInputException("h.npy", "(header)", reason));

    [Fact]
    public void APython2HeaderWithDoubleQuotesAndLongSizesIsRead()
    {
        var header = Read(File("{\"descr\": \">i8\", \"shape\": (3L, 2L), \"fortran_order\": True}"));
        Assert.Equal((new NpyDataType('i', 8, true), true, 6L), (header.DataType, header.FortranOrder, header.Count));
        Assert.Equal([3L, 2L], header.Shape);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'shape': (2,)}", "header has no 'fortran_order': {'descr': '<f8', 'shape': (2,)}")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "header's fortran_order is not True or False: {'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", "header's shape is not a tuple of sizes: {'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}")]
    [InlineData("[1, 2]", "header is not a dict: [1, 2]")]
    public void AMalformedDictNamesWhatIsWrong(string dict, string reason) =>
        Assert.Equal(reason, Assert.Throws<InvalidInputException>(() => Read(File(dict))).Reason);

    [Fact]
    public void AnUnknownVersionIsRefused()
    {
        var bytes = File("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}");
        bytes[6] = 4;
        Assert.Equal("is .npy format version 4.0; versions 1.0, 2.0 and 3.0 are read", Assert.Throws<InvalidInputException>(() => Read(bytes)).Reason);
    }

    [Theory]
    [InlineData(new long[] { 3, 4 })]
    [InlineData(new long[] { 123456789, 987654321 })]
    public void WrittenHeadersEndInANewlineAtAMultipleOf64AndReadBack(long[] shape)
    {
        var bytes = NpyHeader.Bytes(NpyDataType.Float64, shape);
        Assert.Equal(0, bytes.Length % NpyHeader.Alignment);
        Assert.Equal((byte)'\n', bytes[^1]);
        var header = NpyHeader.Read(new MemoryStream(bytes), long.MaxValue, r => new InvalidInputException("h", "h", r));
        Assert.Equal((NpyDataType.Float64, false, bytes.Length), (header.DataType, header.FortranOrder, (int)header.DataOffset));
        Assert.Equal(shape, header.Shape);
    }
}
