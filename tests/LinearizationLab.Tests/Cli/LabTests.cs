using System.Text.Json;
using LinearizationLab.Cli;

namespace LinearizationLab.Tests.Cli;

[Collection("TorchSharp")]
public sealed class LabTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Lab(params string[] args) => LabConsole.Run(args);

    private string Config(string body)
    {
        string path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, body);
        return path;
    }

    private const string Arch = """{"input_shape":[4],"layers":[{"type":"dense","width":32,"w_std":1.4},{"type":"relu"},{"type":"dense","width":1}]}""";

    private static string Run(string optimizer = """{"type":"gd","learning_rate":0.5}""", string data = """{"source":"sphere","dim":4,"train_size":16,"test_size":8}""",
        string extra = "") => $$"""
        {"arch": {{Arch}}, "data": {{data}}, "loss": "mse", "optimizer": {{optimizer}}, "steps": 20, "seed": 3 {{extra}}}
        """;

    [Fact]
    public void AnOutputThatCannotBeWrittenIsOneLineAndExitCodeTwo()
    {
        string blocker = Path.Combine(_dir, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var (code, _, stderr) = Lab("train", "--config", Config(Run()), "--out", Path.Combine(blocker, "out"));
        Assert.Equal(2, code);
        // Progress lines, then the one error line naming the file; no stack trace.
        var lines = stderr.Trim().Split('\n');
        Assert.StartsWith("error: ", lines[^1]);
        Assert.Contains(blocker, lines[^1]);
        Assert.Single(lines, l => l.StartsWith("error", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnexpectedErrorIsOneLineWithItsTypeAndTheTraceInAFile()
    {
        var (oldErr, stderr) = (Console.Error, new StringWriter());
        Console.SetError(stderr);
        int code;
        try { code = LinearizationLab.Cli.Lab.Unexpected(new InvalidOperationException("tensor shapes differ\n  at frame 1"), verbose: false); }
        finally { Console.SetError(oldErr); }
        Assert.Equal(1, code);
        string line = Assert.Single(stderr.ToString().Trim().Split('\n'));
        Assert.StartsWith("error: unexpected InvalidOperationException: tensor shapes differ (the full trace is in ", line);
        string trace = line.Split("the full trace is in ")[1].Split(';')[0];
        Assert.Contains("tensor shapes differ", File.ReadAllText(trace));
        File.Delete(trace);
    }

    [Fact]
    public void ANetworkThatCannotFitInMemoryIsRefusedBeforeItIsDrawn()
    {
        string wide = Run().Replace(Arch, """{"input_shape":[4],"layers":[{"type":"dense","width":200000},{"type":"relu"},{"type":"dense","width":200000},{"type":"relu"},{"type":"dense","width":1}]}""");
        string outDir = Path.Combine(_dir, "out");
        var (code, _, stderr) = Lab("train", "--config", Config(wide), "--out", outDir);
        Assert.Equal(2, code);
        string error = Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error", StringComparison.Ordinal));
        // θ, the linearization's θ0 and Δθ (320 GB of each W_2) and two float64 copies of W_2 while it is drawn.
        Assert.StartsWith($"error: {Path.Combine(_dir, "config.json")}: arch: the network needs ≈ 1.60 TB, the largest part parameters and " +
                          "parameter-sized tensors = 1.60 TB (3·P·e: θ, θ0, Δθ + 2 × the largest tensor in float64 while θ0 is drawn; " +
                          "P = 40,001,400,001 float64, the largest tensor " +
                          "hidden dense layer 2's weights 200000×200000 float64 = 320 GB); this machine has ", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AnAllocationLibtorchRefusesIsRecognizedAsOutOfMemory()
    {
        // 2⁴⁵ float64 = 256 TB, beyond any address space: libtorch's CPU allocator throws, TorchSharp raises it in .NET.
        var e = Assert.ThrowsAny<System.Runtime.InteropServices.ExternalException>(() => TorchSharp.torch.empty(1L << 45, TorchSharp.torch.ScalarType.Float64));
        Assert.StartsWith("DefaultCPUAllocator: can't allocate memory: you tried to allocate 281474976710656 bytes", LinearizationLab.Cli.Lab.OutOfMemory(e));
        Assert.Equal("Array dimensions exceeded supported range", LinearizationLab.Cli.Lab.OutOfMemory(new AggregateException(new OutOfMemoryException("Array dimensions exceeded supported range."))));
        Assert.Null(LinearizationLab.Cli.Lab.OutOfMemory(new InvalidOperationException("can't allocate memory")));
    }

    [Fact]
    public void TrainWritesRunJsonWithEveryCheckpoint()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = Lab("train", "--config", Config(Run(extra: """, "checkpoints": [0, 5, 20]""")), "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("wrote", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")));
        var checkpoints = doc.RootElement.GetProperty("checkpoints").EnumerateArray().ToArray();
        Assert.Equal([0, 5, 20], checkpoints.Select(c => c.GetProperty("step").GetInt32()));
        Assert.True(checkpoints[^1].GetProperty("train_loss").GetDouble() < checkpoints[0].GetProperty("train_loss").GetDouble());
        Assert.False(doc.RootElement.GetProperty("diverged").GetBoolean());
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));   // the temp file was renamed, not left behind
        // The linearization from the same θ0 beside the network: f_lin(θ0) = f(θ0), then it learns too.
        Assert.Equal("function_space", doc.RootElement.GetProperty("linearization").GetString());
        Assert.Equal(0, checkpoints[0].GetProperty("output_rmse_train").GetDouble());
        Assert.Equal(checkpoints[0].GetProperty("train_loss").GetDouble(), checkpoints[0].GetProperty("linearized_train_loss").GetDouble());
        Assert.True(checkpoints[^1].GetProperty("linearized_train_loss").GetDouble() < checkpoints[0].GetProperty("linearized_train_loss").GetDouble());
        Assert.True(checkpoints[^1].GetProperty("output_rmse_test").GetDouble() > 0);
    }

    [Fact]
    public void TrainCentersTheNetworkAndItsLinearizationWhenAsked()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, _, _) = Lab("train", "--config", Config(Run(extra: """, "center": true, "linearization": "parameter_space" """)), "--out", outDir);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")));
        Assert.Equal("parameter_space", doc.RootElement.GetProperty("linearization").GetString());
        var start = doc.RootElement.GetProperty("checkpoints")[0];
        // f − f0 = 0 at θ0: the loss is ½·mean‖y‖² for both models, and they agree exactly.
        Assert.Equal(start.GetProperty("train_loss").GetDouble(), start.GetProperty("linearized_train_loss").GetDouble());
        Assert.Equal(0, start.GetProperty("output_rmse_train").GetDouble());
    }

    [Fact]
    public void ALearningRateFractionIsResolvedAgainstTheRunSOwnCriticalRate()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, _, _) = Lab("train", "--config", Config(Run(optimizer: """{"type":"gd","learning_rate_fraction":0.5}""")), "--out", outDir);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")));
        double critical = doc.RootElement.GetProperty("critical_learning_rate").GetDouble();
        Assert.True(critical > 0);
        Assert.Equal(0.5 * critical, doc.RootElement.GetProperty("learning_rate").GetDouble(), 12);   // η = η_crit/2, round-tripped through JSON
        // η_crit/2 is stable: full-batch GD on MSE decreases the loss.
        var checkpoints = doc.RootElement.GetProperty("checkpoints").EnumerateArray().ToArray();
        Assert.True(checkpoints[^1].GetProperty("train_loss").GetDouble() < checkpoints[0].GetProperty("train_loss").GetDouble());
    }

    [Theory]
    [InlineData("""{"type":"gd","learning_rate":-0.1}""", null, "optimizer.learning_rate", "greater than 0")]
    [InlineData("""{"type":"rmsprop","learning_rate":0.1}""", null, "optimizer.type", "not one of")]
    [InlineData("""{"type":"gd","learning_rate":0.1,"learning_rate_fraction":0.5}""", null, "optimizer.learning_rate", "exactly one")]
    [InlineData("""{"type":"sgd","learning_rate":0.1,"momentum":0.9}""", null, "optimizer.batch_size", "required")]
    [InlineData(null, """{"source":"imagenet","train_size":4}""", "data.source", "not one of")]
    [InlineData(null, """{"source":"sphere","dim":4,"train_size":0}""", "data.train_size", "at least 1")]
    [InlineData(null, """{"source":"csv","x_train":"missing.csv","y_train":"missing.csv"}""", "data.x_train", "not found")]
    public void BadConfigExits2WithOneLineNamingFileAndField(string? optimizer, string? data, string field, string reason)
    {
        string config = Config(optimizer is null ? Run(data: data!) : Run(optimizer: optimizer));
        string outDir = Path.Combine(_dir, "out");
        var (code, _, stderr) = Lab("train", "--config", config, "--out", outDir);
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {config}: {field}: ", line);
        Assert.Contains(reason, line);
        Assert.False(Directory.Exists(outDir));   // nothing partial left behind
    }

    [Fact]
    public void MissingConfigFileUnknownOptionAndCudaWithoutGpuExit2()
    {
        Assert.Equal(2, Lab("train", "--config", Path.Combine(_dir, "nope.json"), "--out", _dir).Code);
        Assert.Equal(2, Lab("train", "--config", Config(Run()), "--outdir", _dir).Code);
        Assert.Equal(2, Lab("frobnicate").Code);
        if (!TorchSharp.torch.cuda.is_available())
        {
            var (code, _, stderr) = Lab("train", "--config", Config(Run(extra: """, "device": "cuda" """)), "--out", _dir);
            Assert.Equal(2, code);
            Assert.Contains("device: CUDA is not available", stderr);
        }
    }

    [Theory]
    [InlineData("--help", 0)]
    [InlineData("-h", 0)]
    [InlineData("help", 0)]
    [InlineData(null, 2)]   // `lab` alone: nothing to do, so the help and exit code 2
    public void Help_lists_every_command_with_a_description(string? flag, int exitCode)
    {
        var (code, stdout, _) = flag is null ? Lab() : Lab(flag);
        Assert.Equal(exitCode, code);
        Assert.Contains("lab [command] [options]", stdout);
        foreach (string command in new[] { "train", "ntk", "kernel", "gp", "sweep", "merge", "plot", "report", "setup", "completion" })
        {
            string line = Assert.Single(stdout.Split('\n'), l => l.StartsWith("  " + command + " ", StringComparison.Ordinal));
            Assert.True(line.Trim().Length > command.Length + 20, $"'{line.Trim()}' has no description");
        }
    }

    [Theory]
    [InlineData("train"), InlineData("ntk"), InlineData("kernel"), InlineData("gp"), InlineData("sweep"), InlineData("merge"), InlineData("plot"), InlineData("report"), InlineData("setup")]
    public void EveryOptionOfEveryCommandIsDescribed(string command)
    {
        var (code, stdout, _) = Lab(command, "--help");
        Assert.Equal(0, code);
        var options = stdout[stdout.IndexOf("Options:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Where(l => l.StartsWith("  -", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(options);
        // Two columns: the option (with its value) and, after at least two spaces, its description.
        Assert.All(options, l => Assert.Matches(@"^  \S.*?\S  +\S", l));
    }

    [Fact]
    public void ADivergentRunIsReportedNotCrashed()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = Lab("train", "--config", Config(Run(optimizer: """{"type":"gd","learning_rate":5000}""")), "--out", outDir);
        Assert.Equal(0, code);
        Assert.Contains("diverged at step", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json")));
        Assert.True(doc.RootElement.GetProperty("diverged").GetBoolean());
    }
}
