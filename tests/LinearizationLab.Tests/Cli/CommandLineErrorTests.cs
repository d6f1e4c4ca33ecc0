namespace LinearizationLab.Tests.Cli;

/// <summary>
/// Facts about a command line that does not parse: one line <c>error: command line: FIELD: reason</c>, exit code 2,
/// and the nearest command or option when a name is mistyped.
/// </summary>
[Collection("TorchSharp")]
public sealed class CommandLineErrorTests
{
    private static string OneErrorLine(params string[] args)
    {
        var (code, stdout, stderr) = LabConsole.Run(args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void AMistypedCommandSuggestsTheNearestOne()
    {
        Assert.Equal("error: command line: swep: unknown command, did you mean sweep? (lab --help lists them)", OneErrorLine("swep"));
        Assert.Equal("error: command line: tain: unknown command, did you mean train? (lab --help lists them)", OneErrorLine("tain", "--config", "c.json"));
        Assert.Equal("error: command line: frobnicate: unknown command (lab --help lists them)", OneErrorLine("frobnicate"));
    }

    [Theory]
    [InlineData(new[] { "kernel", "--arch", "a.json", "--x1", "x.csv", "--outdir", "d" },
        "error: command line: --outdir: unknown option, did you mean --out? (accepted: --arch, --x1, --x2, --out, --format)")]
    // An unknown option before the config is the mistake, not the config after it.
    [InlineData(new[] { "sweep", "--shrd", "1/2", "s.json" },
        "error: command line: --shrd: unknown option, did you mean --shard? (accepted: --config, --out, --shard, --shard-count)")]
    [InlineData(new[] { "merge", "--out", "d", "--bogus", "shard0" }, "error: command line: --bogus: unknown option (accepted: --out)")]
    [InlineData(new[] { "kernel", "--arch", "a.json", "--x1" }, "error: command line: --x1: needs a value")]
    [InlineData(new[] { "kernel", "--arch", "a.json", "--out", "d" }, "error: command line: --x1: is required")]
    [InlineData(new[] { "kernel", "--arch", "a.json", "--x1", "x.csv", "--out", "d", "extra" },
        "error: command line: extra: unexpected argument (options are --name value)")]
    [InlineData(new[] { "ntk", "--arch", "a.json", "--x1", "x.csv", "--seed", "one", "--out", "d" },
        "error: command line: --seed: 'one' is not an integer")]
    [InlineData(new[] { "merge", "--out", "d" }, "error: command line: (shards): name at least one shard folder")]
    [InlineData(new[] { "sweep", "--out", "d" }, "error: command line: --config: is required")]
    public void Each_mistake_is_one_line_naming_the_option(string[] args, string error) =>
        Assert.Equal(error, OneErrorLine(args));

    [Fact]
    public void AnArgumentStartingWithAtIsAFileNameNotAResponseFile()
    {
        string missing = "@" + Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "a.json");
        Assert.StartsWith($"error: {missing}: ", OneErrorLine("kernel", "--arch", missing, "--x1", "x.csv", "--out", Path.GetTempPath()));
    }
}
