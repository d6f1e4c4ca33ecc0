using LinearizationLab.Runs;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Networks;
using LinearizationLab.Tests.Data;

namespace LinearizationLab.Tests.Runs;

/// <summary>
/// Facts about <see cref="EmpiricalKernelRun"/> (behind <c>lab ntk</c>): its files hold the library's kernels to the
/// last bit, the optional files are the full kernel and the per-layer terms that add up to it, and bad input
/// leaves nothing behind.
/// </summary>
[Collection("TorchSharp")]
public sealed class EmpiricalKernelRunTests : IDisposable
{
    private const string Mlp = """
        {"input_shape":[3],"layers":[{"type":"dense","width":24,"w_std":1.4,"b_std":0.1},{"type":"relu"},
          {"type":"dense","width":2,"w_std":1.0,"b_std":0.05}]}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("ntk-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Inputs(string name, int rows, int columns, int seed)
    {
        string path = Path.Combine(_dir, name);
        CsvMatrix.Write(path, TestInputs.Uniform(rows, columns, seed));
        return path;
    }

    private double[,] Read(string output, string name) => CsvMatrix.Read(Path.Combine(output, name));

    [Fact]
    public void TheFilesHoldTheKernelsOfTheSeededNetworkAndTheLayerTermsAddUpToTheNtk()
    {
        string arch = Write("arch.json", Mlp), x1 = Inputs("x1.csv", 5, 3, seed: 1), x2 = Inputs("x2.csv", 4, 3, seed: 2);
        string output = Path.Combine(_dir, "out");
        var written = EmpiricalKernelRun.Execute(arch, x1, x2, seed: 7, NtkMethod.Structured, TensorSettings.CpuFloat64, output,
            full: true, perLayer: true);

        Assert.Equal(["ntk.csv", "nngp.csv", "ntk_full.csv", "ntk_layer1.csv", "ntk_layer2.csv"], written.FileNames);
        Assert.Equal(written.FileNames.Order(), Directory.GetFiles(output).Select(Path.GetFileName).Order());
        // The "R" format round-trips every double: the files equal a fresh computation bit for bit.
        var expected = EmpiricalKernels.Compute(Arch.Parse(Mlp), 7, TensorSettings.CpuFloat64,
            CsvMatrix.Read(x1), CsvMatrix.Read(x2), NtkMethod.Structured);
        Assert.Equal(expected.Ntk.Averaged, Read(output, "ntk.csv"));
        Assert.Equal(expected.Nngp, Read(output, "nngp.csv"));
        Assert.Equal(expected.Ntk.Full, Read(output, "ntk_full.csv"));
        Assert.Equal((5, 4), (Read(output, "ntk.csv").GetLength(0), Read(output, "ntk.csv").GetLength(1)));
        Assert.Equal((10, 8), (Read(output, "ntk_full.csv").GetLength(0), Read(output, "ntk_full.csv").GetLength(1)));

        // Θ̂ = Σ_l Θ̂_l and the output average is linear, so the layer files add up to ntk.csv; two terms of
        // magnitude ~1 in float64 differ from their sum by a few ulps (1e-12 relative is ample).
        var ntk = Read(output, "ntk.csv");
        var (layer1, layer2) = (Read(output, "ntk_layer1.csv"), Read(output, "ntk_layer2.csv"));
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(ntk[i, j], layer1[i, j] + layer2[i, j], 1e-12 * Math.Abs(ntk[i, j]));
    }

    [Fact]
    public void WithoutTheOptionsItWritesNtkAndNngpOnly()
    {
        string output = Path.Combine(_dir, "out");
        var written = EmpiricalKernelRun.Execute(Write("arch.json", Mlp), Inputs("x1.csv", 3, 3, seed: 3), null, seed: 0,
            NtkMethod.Jacobian, TensorSettings.CpuFloat64, output);
        Assert.Equal(["ntk.csv", "nngp.csv"], written.FileNames);
        Assert.Equal(["nngp.csv", "ntk.csv"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Equal((3, 3), (written.Kernels.Ntk.RowCount, written.Kernels.Ntk.ColumnCount));
    }

    [Fact]
    public void InputsOfTheWrongWidthAreNamedAndNothingIsWritten()
    {
        string bad = Inputs("bad.csv", 3, 4, seed: 4), output = Path.Combine(_dir, "out");
        var e = Assert.Throws<InvalidInputException>(() => EmpiricalKernelRun.Execute(Write("arch.json", Mlp),
            Inputs("x1.csv", 3, 3, seed: 5), bad, seed: 0, NtkMethod.Structured, TensorSettings.CpuFloat64, output));
        Assert.Equal((bad, "columns"), (e.File, e.Field));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void NpyFilesHoldTheSameKernelsAsCsvFilesToTheLastBit()
    {
        // Both formats store every double exactly, and the network and inputs are the same, so the files agree bit for bit;
        // the inputs are read from .npy too, which holds the CSV's doubles exactly.
        string arch = Write("arch.json", Mlp), x1 = Inputs("x1.csv", 5, 3, seed: 1), x1Npy = Path.Combine(_dir, "x1.npy");
        NpyFile.Write(x1Npy, CsvMatrix.Read(x1));
        string csv = Path.Combine(_dir, "csv"), npy = Path.Combine(_dir, "npy");
        EmpiricalKernelRun.Execute(arch, x1, null, seed: 7, NtkMethod.Structured, TensorSettings.CpuFloat64, csv, full: true, perLayer: true);
        var written = EmpiricalKernelRun.Execute(arch, x1Npy, null, seed: 7, NtkMethod.Structured, TensorSettings.CpuFloat64, npy,
            full: true, perLayer: true, format: MatrixFormat.Npy);

        Assert.Equal(["ntk.npy", "nngp.npy", "ntk_full.npy", "ntk_layer1.npy", "ntk_layer2.npy"], written.FileNames);
        foreach (string name in written.FileNames)
            NpyFixtures.AssertBitEqual(CsvMatrix.Read(Path.Combine(csv, Path.ChangeExtension(name, ".csv"))), NpyFile.Read(Path.Combine(npy, name)));
    }
}
