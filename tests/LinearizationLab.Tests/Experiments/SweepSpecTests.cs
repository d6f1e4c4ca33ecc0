using LinearizationLab.Configuration;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public class SweepSpecTests
{
    internal const string Arch = """{"input_shape":[4],"layers":[{"type":"dense","width":8,"w_std":1.4,"b_std":0.1},{"type":"relu"},{"type":"dense","width":8,"w_std":1.4,"b_std":0.1},{"type":"relu"},{"type":"dense","width":1}]}""";

    internal static string Json(string widths = "[16, 32]", string seeds = "2", string extra = "", string arch = Arch) => $$"""
        {"name": "tiny", "arch": {{arch}}, "widths": {{widths}}, "seeds": {{seeds}},
         "data": {"source": "sphere", "dim": 4, "train_size": 8, "test_size": 6, "seed": 1},
         "loss": "mse", "optimizer": {"type": "gd", "learning_rate_fraction": 0.5}, "steps": 6 {{extra}}}
        """;

    private static SweepSpec Parse(string json) => SweepSpec.Read(JsonSection.Parse(json, "sweep.json"));

    [Theory]
    [InlineData("[16, 16]", "2", "", "widths", "duplicates")]
    [InlineData("[0, 16]", "2", "", "widths[0]", "at least 1")]
    [InlineData("[16]", "0", "", "seeds", "positive")]
    [InlineData("[16]", "[1, 1]", "", "seeds", "duplicates")]
    [InlineData("[16]", "2", """, "ntk_method": "magic" """, "ntk_method", "not one of")]
    [InlineData("[16]", "2", """, "checkpoints": [0, 7]""", "checkpoints", "beyond steps")]
    [InlineData("[16]", "2", """, "widht": 3""", "widht", "unknown field")]
    [InlineData("[16]", "2", """, "kernel_examples": 1""", "kernel_examples", "at least 2")]
    [InlineData("[16]", "2", """, "taylor_orders": [1, 4]""", "taylor_orders[1]", "at most 3")]
    [InlineData("[16]", "2", """, "taylor_orders": [0]""", "taylor_orders[0]", "at least 1")]
    [InlineData("[16]", "2", """, "taylor_orders": [2, 2]""", "taylor_orders", "duplicates")]
    [InlineData("[16]", "2", """, "taylor_orders": []""", "taylor_orders", "at least one order")]
    [InlineData("[16]", "2", """, "linearization": "kernel" """, "linearization", "not one of")]
    [InlineData("[16]", "2", """, "ensemble": 3""", "ensemble", "3 members, but the sweep has 2 seeds")]
    [InlineData("[16]", "2", """, "ensemble": 1""", "ensemble", "at least 2")]
    [InlineData("[16]", "1", """, "ensemble": "all" """, "ensemble", "at least 2 seeds")]
    public void Bad_fields_are_named(string widths, string seeds, string extra, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Parse(Json(widths, seeds, extra)));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

    [Theory]
    [InlineData("", NtkMethod.Structured)]
    [InlineData(""", "ntk_method": "NTVP" """, NtkMethod.Ntvp)]
    [InlineData(""", "ntk_method": "jacobian" """, NtkMethod.Jacobian)]
    public void NtkMethodIsReadIntoTheEnumCaseInsensitively(string extra, NtkMethod expected) =>
        Assert.Equal(expected, Parse(Json(extra: extra)).NtkMethod);

    [Theory]
    [InlineData("", new[] { 1 })]
    [InlineData(""", "taylor_orders": [3, 2]""", new[] { 1, 2, 3 })]
    [InlineData(""", "taylor_orders": 2""", new[] { 1, 2 })]
    public void TaylorOrdersAlwaysIncludeTheLinearizationAndAscend(string extra, int[] expected) =>
        Assert.Equal(expected, Parse(Json(extra: extra)).TaylorOrders);

    [Fact]
    public void TheHierarchyNeedsMseAndPlainGradientDescent()
    {
        var sgd = Json(extra: """, "hierarchy": true""").Replace("""{"type": "gd", "learning_rate_fraction": 0.5}""",
            """{"type": "sgd", "learning_rate": 0.1, "batch_size": 4}""");
        Assert.Equal("hierarchy", Assert.Throws<InvalidInputException>(() => Parse(sgd)).Field);
        Assert.True(Parse(Json(extra: """, "hierarchy": true""")).Hierarchy);
        Assert.False(Parse(Json()).Hierarchy);
    }

    [Fact]
    public void AnArchitectureWithoutAHiddenLayerCannotBeSwept()
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            Parse(Json(arch: """{"input_shape":[4],"layers":[{"type":"dense","width":1}]}""")));
        Assert.Equal("arch", e.Field);
    }

    [Fact]
    public void TheConfigsCopyIsTheConfigWithAnArchFilesJsonInPlaceOfItsPath()
    {
        string dir = Directory.CreateTempSubdirectory("lab-spec-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "arch.json"), Arch);
            string file = Path.Combine(dir, "sweep.json");
            File.WriteAllText(file, Json(arch: "\"arch.json\""));

            var copy = System.Text.Json.Nodes.JsonNode.Parse(SweepSpec.Load(file).ToJson())!;

            Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(Arch)!.ToJsonString(), copy["arch"]!.ToJsonString());
            Assert.Equal("tiny", (string?)copy["name"]);
            // The copy reads back as the same sweep: same runs, same fingerprint.
            File.WriteAllText(file, copy.ToJsonString());
            Assert.Equal(SweepSpec.Read(JsonSection.Parse(Json(), file)).ConfigHash, SweepSpec.Load(file).ConfigHash);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RunsAreWidthMajorWithStableIndicesAndShardsPartitionThem()
    {
        var spec = Parse(Json("[32, 16]", "[5, 7]"));
        Assert.Equal([16, 32], spec.Widths);   // sorted
        Assert.Equal([(16, 5L), (16, 7L), (32, 5L), (32, 7L)], spec.Runs.Select(r => (r.Width, r.Seed)));
        var shards = Enumerable.Range(0, 3).Select(i => spec.Runs.Where(r => r.InShard(i, 3)).Select(r => r.Index)).ToArray();
        Assert.Equal([0, 1, 2, 3], shards.SelectMany(s => s).Order());
        Assert.Equal([0, 6], spec.Setup.Checkpoints.Where(c => c is 0 or 6));   // log-spaced default always holds 0 and T
    }
}
