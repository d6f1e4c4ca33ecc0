using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Cli;

/// <summary>Facts about <c>lab kernel</c>: the files hold exactly the library's kernels, and bad input exits 2 leaving nothing behind.</summary>
[Collection("TorchSharp")]
public sealed class KernelCommandTests : IDisposable
{
    private const string Mlp = """
        {"input_shape":[3],"layers":[{"type":"dense","width":16,"w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"dense","width":16,"w_std":1.4,"b_std":0.1},{"type":"erf"},{"type":"dense","width":2,"w_std":1.0,"b_std":0.05}]}
        """;

    private const string Cnn = """
        {"input_shape":[1,4,3],"layers":[{"type":"conv","channels":8,"kernel":[3,3],"padding":"same","w_std":1.4,"b_std":0.1},
          {"type":"relu"},{"type":"global_avg_pool"},{"type":"dense","width":1,"w_std":1.0,"b_std":0.0}]}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-kernel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Lab(params string[] args) => LabConsole.Run(args);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string Inputs(string name, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) x[i, j] = 2 * random.NextDouble() - 1;
        string path = Path.Combine(_dir, name);
        CsvMatrix.Write(path, x);
        return path;
    }

    private static ArchitectureSpec Parse(string json) => ArchitectureReader.Read(JsonSection.Parse(json, "arch.json"));

    private static void AssertBitEqual(double[,] expected, double[,] actual)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i, j]), BitConverter.DoubleToInt64Bits(actual[i, j]));
    }

    [Theory]
    [InlineData(Mlp, 3)]
    [InlineData(Cnn, 12)]
    public void KernelFilesHoldTheAnalyticKernelsToTheLastBit(string archJson, int features)
    {
        // The "R" format round-trips every double, and the command computes with the same call, so the files
        // read back equal AnalyticKernels.Compute bit for bit.
        string arch = File("arch.json", archJson);
        string x1 = Inputs("x1.csv", 6, features, seed: 1);
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = Lab("kernel", "--arch", arch, "--x1", x1, "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("wrote", stdout);
        var expected = AnalyticKernels.Compute(Parse(archJson), CsvMatrix.Read(x1));
        AssertBitEqual(expected.Nngp, CsvMatrix.Read(Path.Combine(outDir, "nngp.csv")));
        AssertBitEqual(expected.Ntk, CsvMatrix.Read(Path.Combine(outDir, "ntk.csv")));
    }

    [Fact]
    public void WithX2TheKernelsAreN1ByN2()
    {
        string arch = File("arch.json", Mlp);
        string x1 = Inputs("x1.csv", 4, 3, seed: 2), x2 = Inputs("x2.csv", 7, 3, seed: 3);
        string outDir = Path.Combine(_dir, "out");
        Assert.Equal(0, Lab("kernel", "--arch", arch, "--x1", x1, "--x2", x2, "--out", outDir).Code);
        var expected = AnalyticKernels.Compute(Parse(Mlp), CsvMatrix.Read(x1), CsvMatrix.Read(x2));
        var nngp = CsvMatrix.Read(Path.Combine(outDir, "nngp.csv"));
        Assert.Equal((4, 7), (nngp.GetLength(0), nngp.GetLength(1)));
        AssertBitEqual(expected.Nngp, nngp);
        AssertBitEqual(expected.Ntk, CsvMatrix.Read(Path.Combine(outDir, "ntk.csv")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACsvOfTheWrongWidthExits2NamingTheCsv(bool asX2)
    {
        string arch = File("arch.json", Mlp);
        string good = Inputs("good.csv", 3, 3, seed: 4), bad = Inputs("bad.csv", 3, 4, seed: 5);
        string outDir = Path.Combine(_dir, "out");
        var (code, _, stderr) = asX2
            ? Lab("kernel", "--arch", arch, "--x1", good, "--x2", bad, "--out", outDir)
            : Lab("kernel", "--arch", arch, "--x1", bad, "--out", outDir);
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {bad}: columns: ", line);
        Assert.Contains("needs 3", line);
        Assert.False(Directory.Exists(outDir));   // nothing partial left behind
    }

    [Fact]
    public void MissingX1OrABadArchExits2()
    {
        string arch = File("arch.json", Mlp);
        string outDir = Path.Combine(_dir, "out");
        var (code, _, stderr) = Lab("kernel", "--arch", arch, "--out", outDir);
        Assert.Equal(2, code);
        Assert.StartsWith("error: command line: --x1: is required", stderr);

        string x1 = Inputs("x1.csv", 2, 3, seed: 6);
        string badArch = File("bad-arch.json", Mlp.Replace("\"width\":16,", "\"width\":-1,", StringComparison.Ordinal));
        (code, _, stderr) = Lab("kernel", "--arch", badArch, "--x1", x1, "--out", outDir);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {badArch}: layers[0].width: ", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void NpyOutputHoldsTheSameKernelsAsCsvOutputAndNpyInputsTheSameAsCsvInputs()
    {
        // Both formats store doubles exactly: the kernels of --x1 x.npy written as .npy equal those of --x1 x.csv written as CSV.
        string arch = File("arch.json", Mlp), x1 = Inputs("x1.csv", 5, 3, seed: 7), x1Npy = Path.Combine(_dir, "x1.npy");
        NpyFile.Write(x1Npy, CsvMatrix.Read(x1));
        string csvDir = Path.Combine(_dir, "csv"), npyDir = Path.Combine(_dir, "npy");
        Assert.Equal(0, Lab("kernel", "--arch", arch, "--x1", x1, "--out", csvDir).Code);
        var (code, stdout, _) = Lab("kernel", "--arch", arch, "--x1", x1Npy, "--out", npyDir, "--format", "npy");

        Assert.Equal(0, code);
        Assert.Equal($"wrote {Path.Combine(npyDir, "nngp.npy")} and {Path.Combine(npyDir, "ntk.npy")} (5×5)", stdout.Trim());
        Assert.Equal(["nngp.npy", "ntk.npy"], Directory.GetFiles(npyDir).Select(Path.GetFileName).Order());
        foreach (string name in new[] { "nngp", "ntk" })
            AssertBitEqual(CsvMatrix.Read(Path.Combine(csvDir, name + ".csv")), NpyFile.Read(Path.Combine(npyDir, name + ".npy")));
    }

    [Fact]
    public void AnUnknownFormatOrAnInputThatIsNoNumericArrayExits2WithOneLine()
    {
        string arch = File("arch.json", Mlp), x1 = Inputs("x1.csv", 2, 3, seed: 8), outDir = Path.Combine(_dir, "out");
        string pickle = Path.Combine(_dir, "x.npy");
        System.IO.File.WriteAllBytes(pickle, [0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        var (code, _, stderr) = Lab("kernel", "--arch", arch, "--x1", x1, "--out", outDir, "--format", "npz");
        Assert.Equal((2, "error: command line: --format: 'npz' is not npy or csv"), (code, stderr.Trim()));
        (code, _, stderr) = Lab("kernel", "--arch", arch, "--x1", pickle, "--out", outDir);
        Assert.Equal((2, $"error: {pickle}: (header): is a Python pickle, not a .npy array (pickles are not read)"), (code, stderr.Trim()));
        Assert.False(Directory.Exists(outDir));
    }
}
