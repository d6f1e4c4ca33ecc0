using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>Facts about <see cref="NpyDataType"/>: the numeric dtypes parse with their byte order, and every other kind is named in the reason.</summary>
public sealed class NpyDataTypeTests
{
    [Theory]
    [InlineData("<f8", 'f', 8, false, "float64")]
    [InlineData(">f4", 'f', 4, true, "float32")]
    [InlineData("|u1", 'u', 1, false, "uint8")]
    [InlineData(">i2", 'i', 2, true, "int16")]
    [InlineData("|b1", 'b', 1, false, "bool")]
    [InlineData("<u8", 'u', 8, false, "uint64")]
    public void NumericTypesParseWithTheirByteOrder(string descr, char kind, int size, bool bigEndian, string name)
    {
        var type = NpyDataType.Parse(descr, out _);
        Assert.Equal((kind, size, bigEndian, name, descr), (type!.Kind, type.Size, type.BigEndian, type.Name, type.Descr));
    }

    [Theory]
    [InlineData("<f16", "holds dtype '<f16', which is not read (float16/32/64, int8–64, uint8–64 and bool are)")]
    [InlineData("<M8[ns]", "holds dates or time spans (dtype '<M8[ns]'), not numbers")]
    [InlineData("|S3", "holds strings (dtype '|S3'), not numbers")]
    [InlineData("<c8", "holds complex numbers (dtype '<c8'); only real numbers are read")]
    [InlineData("|V8", "holds raw bytes (dtype '|V8'), not numbers")]
    [InlineData("<i3", "holds dtype '<i3', which is not read (float16/32/64, int8–64, uint8–64 and bool are)")]
    public void OtherTypesAreRefusedWithWhatTheyHold(string descr, string reason)
    {
        Assert.Null(NpyDataType.Parse(descr, out string why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void ConversionReadsEachByteOrder()
    {
        var values = new double[2];
        new NpyDataType('i', 4, true).ToDouble([0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0], values);
        Assert.Equal([-2.0, 256.0], values);
        new NpyDataType('u', 2, false).ToDouble([0xff, 0xff, 0x01, 0x00], values);
        Assert.Equal([65535.0, 1.0], values);
    }
}
