using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Cli;

/// <summary>
/// Facts about `lab` as a .NET tool: `dotnet pack` of the CLI (reusing the tests' build) gives a package that
/// `dotnet tool install --tool-path` installs from a folder source alone, and the installed `lab`, run in a folder outside
/// the repository with a home of its own, computes analytic kernels, runs a two-run sweep on TorchSharp's native libtorch
/// and, asked for MNIST, names the folders it searched and `lab setup`.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;

    [Fact]
    public void ThePackedToolInstallsAndRunsKernelAndSweepOutsideTheRepository()
    {
        string packages = Folder("packages"), work = Folder("work"), home = Folder("home"), tools = Path.Combine(_dir, "tools");
        ChildProcess.DotnetOrFail(RepositoryRoot.Locate(), null,
            "pack", Path.Combine("src", "LinearizationLab.Cli"), "-c", ChildProcess.Configuration, "--no-build", "-o", packages);
        string package = Path.GetFileName(Assert.Single(Directory.GetFiles(packages, "*.nupkg")));
        Assert.Matches(@"^LinearizationLab\.Cli\.\d+\.\d+\.\d+\.nupkg$", package);

        // Only the folder source (no registry), and a home of its own: nothing of this machine's user setup is used.
        string config = Path.Combine(_dir, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(ResolvedDotnet())),
            ["NUGET_PACKAGES"] = Path.Combine(home, "nuget-packages"),
            [DataDirectory.EnvironmentVariable] = null,
            ["XDG_DATA_HOME"] = null,
        };
        ChildProcess.DotnetOrFail(work, environment, "tool", "install", "--tool-path", tools, "--configfile", config, "LinearizationLab.Cli");
        string lab = Path.Combine(tools, "lab");
        Assert.True(File.Exists(lab), $"{lab} was not installed");

        // lab kernel: the analytic NTK of a small ReLU MLP on three inputs, equal to the library's in this process.
        const string arch = """
            {"input_shape": [3], "parameterization": "ntk", "layers": [
              {"type": "dense", "width": 16, "w_std": 1.5, "b_std": 0.1}, {"type": "relu"},
              {"type": "dense", "width": 1, "w_std": 1.0, "b_std": 0.0}]}
            """;
        File.WriteAllText(Path.Combine(work, "arch.json"), arch);
        File.WriteAllText(Path.Combine(work, "x.csv"), "1,0,0\n0,1,0\n0.5,0.5,0.7\n");
        var (code, output) = ChildProcess.Run(lab, ["kernel", "--arch", "arch.json", "--x1", "x.csv", "--out", "kernel"], work, environment);
        Assert.True(code == 0, output);
        var expected = AnalyticKernels.Compute(ArchitectureReader.Read(JsonSection.Parse(arch, "arch.json")),
            new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0.5, 0.5, 0.7 } }).Ntk;
        // The same code on the same machine, written with round-trip digits: equal to the last bit.
        Assert.Equal(expected, CsvMatrix.Read(Path.Combine(work, "kernel", "ntk.csv")));

        // lab sweep: two runs (widths 16, 32, one seed) on the sphere, trained by TorchSharp on libtorch from the package.
        File.WriteAllText(Path.Combine(work, "sweep.json"), $$"""
            {"name": "tiny", "arch": {{arch.Replace("[3]", "[4]", StringComparison.Ordinal)}}, "widths": [16, 32], "seeds": 1,
             "data": {"source": "sphere", "dim": 4, "train_size": 8, "test_size": 8, "seed": 0},
             "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5}, "steps": 5}
            """);
        (code, output) = ChildProcess.Run(lab, ["sweep", "sweep.json", "--out", "results"], work, environment);
        Assert.True(code == 0, output);
        Assert.Contains("ran 2 runs", output, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(work, "results", "runs"), "*.json").Length);
        Assert.True(File.Exists(Path.Combine(work, "results", "report.html")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(work, "results", "plots"), "*.svg"));

        // Outside the repository MNIST is looked for in the user's data folder only, and the error says how to fetch it.
        File.WriteAllText(Path.Combine(work, "mnist.json"), File.ReadAllText(Path.Combine(work, "sweep.json"))
            .Replace("""{"source": "sphere", "dim": 4, "train_size": 8, "test_size": 8, "seed": 0}""", """{"source": "mnist", "train_size": 10}""", StringComparison.Ordinal));
        (code, output) = ChildProcess.Run(lab, ["sweep", "mnist.json", "--out", "mnist"], work, environment);
        string user = Path.Combine(home, ".local", "share", "linearizationlab", "mnist");
        Assert.Equal(2, code);
        Assert.Equal($"error: mnist.json: data.source: MNIST not found in {user} (LAB_DATA_DIR is not set); `lab setup` fetches it into {user} (or give data.dir)",
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    /// <summary>The dotnet executable itself (the host under DOTNET_ROOT), following the /usr/bin link.</summary>
    private static string ResolvedDotnet()
    {
        string host = ChildProcess.Dotnet;
        if (!Path.IsPathRooted(host))
            host = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(f => Path.Combine(f, host)).First(File.Exists);
        return new FileInfo(host).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host;
    }
}
