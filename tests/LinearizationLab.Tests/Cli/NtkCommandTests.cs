using LinearizationLab.Data;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab ntk</c>: the files it names are written, and bad option values exit 2 leaving nothing behind.</summary>
[Collection("TorchSharp")]
public sealed class NtkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-ntk-").FullName;
    private readonly string _arch, _x1;

    public NtkCommandTests()
    {
        _arch = Path.Combine(_dir, "arch.json");
        File.WriteAllText(_arch, """{"input_shape":[2],"layers":[{"type":"dense","width":8},{"type":"erf"},{"type":"dense","width":1}]}""");
        _x1 = Path.Combine(_dir, "x1.csv");
        CsvMatrix.Write(_x1, TestInputs.Uniform(4, 2, seed: 1));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NtkWritesAndNamesItsFiles()
    {
        string output = Path.Combine(_dir, "out");
        var (code, stdout, _) = LabConsole.Run("ntk", "--arch", _arch, "--x1", _x1, "--seed", "3", "--method", "ntvp", "--out", output, "--per-layer");
        Assert.Equal(0, code);
        Assert.Equal($"Ntvp NTK of 4×4 inputs, 1 outputs: wrote ntk.csv, nngp.csv, ntk_layer1.csv, ntk_layer2.csv to {output}", stdout.Trim());
        Assert.Equal(4, Directory.GetFiles(output).Length);
    }

    [Fact]
    public void NtkWithNpyFormatWritesAndNamesNpyFiles()
    {
        string output = Path.Combine(_dir, "out");
        var (code, stdout, _) = LabConsole.Run("ntk", "--arch", _arch, "--x1", _x1, "--seed", "3", "--out", output, "--full", "--format", "npy");
        Assert.Equal(0, code);
        Assert.Equal($"Structured NTK of 4×4 inputs, 1 outputs: wrote ntk.npy, nngp.npy, ntk_full.npy to {output}", stdout.Trim());
        Assert.Equal((4, 4), (NpyFile.Read(Path.Combine(output, "ntk_full.npy")).GetLength(0), NpyFile.Read(Path.Combine(output, "ntk.npy")).GetLength(1)));
    }

    [Theory]
    [InlineData("--format", "hdf5", "error: command line: --format: 'hdf5' is not npy or csv")]
    [InlineData("--method", "magic", "error: command line: --method: unknown NTK method 'magic' (structured, jacobian, ntvp)")]
    [InlineData("--dtype", "float16", "error: command line: --dtype: 'float16' is not float32 or float64")]
    [InlineData("--device", "tpu", "error: command line: --device: 'tpu' is not cpu, cuda or cuda:K")]
    public void ABadOptionValueExits2AndWritesNothing(string option, string value, string error)
    {
        string output = Path.Combine(_dir, "out");
        var (code, _, stderr) = LabConsole.Run("ntk", "--arch", _arch, "--x1", _x1, "--seed", "0", option, value, "--out", output);
        Assert.Equal(2, code);
        Assert.Equal(error, stderr.Trim());
        Assert.False(Directory.Exists(output));
    }
}
