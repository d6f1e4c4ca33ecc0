using LinearizationLab.Layers;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;

namespace LinearizationLab.Tests.Architecture;

public class ArchitectureReaderTests
{
    private static InvalidInputException Reject(string json) =>
        Assert.Throws<InvalidInputException>(() => ArchitectureReader.Read(JsonSection.Parse(json, "a.json")));

    [Theory]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","width":0}]}""", "layers[0].width", "at least 1")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","width":3},{"type":"swish"}]}""", "layers[1].type", "unknown layer type")]
    [InlineData("""{"layers":[{"type":"dense","width":3}]}""", "input_shape", "required")]
    [InlineData("""{"input_shape":[4],"layers":[]}""", "layers", "at least one")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","width":2,"w_std":-1}]}""", "layers[0].w_std", "greater than 0")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","width":2,"b_std":-0.5}]}""", "layers[0].b_std", "at least 0")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","widht":2}]}""", "layers[0].width", "required")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"dense","width":2,"wstd":1}]}""", "layers[0].wstd", "unknown field")]
    [InlineData("""{"input_shape":[4],"parameterization":"mupp","layers":[{"type":"dense","width":2}]}""", "parameterization", "not one of")]
    [InlineData("""{"input_shape":[4],"parameterization":"mup","layers":[{"type":"dense","width":2}]}""", "base_width", "required with parameterization mup")]
    [InlineData("""{"input_shape":[4],"parameterization":"mup","base_width":0,"layers":[{"type":"dense","width":2}]}""", "base_width", "at least 1")]
    [InlineData("""{"input_shape":[4],"parameterization":{"input":{"a":0,"b":0,"c":0},"hidden":{"a":0,"b":0,"c":0},"bias":{"a":0,"b":0,"c":0}},"base_width":8,"layers":[{"type":"dense","width":2}]}""", "parameterization.output", "required in an abc table")]
    [InlineData("""{"input_shape":[4],"parameterization":{"input":{"a":0,"b":0,"c":0},"hidden":{"a":0,"c":0},"output":{"a":0,"b":0,"c":0},"bias":{"a":0,"b":0,"c":0}},"base_width":8,"layers":[{"type":"dense","width":2}]}""", "parameterization.hidden.b", "required")]
    [InlineData("""{"input_shape":[4],"parameterization":{"input":{"a":0,"b":0,"c":0},"hidden":{"a":0,"b":0,"c":0},"output":{"a":0,"b":0,"c":0},"bias":{"a":0,"b":0,"c":0}},"layers":[{"type":"dense","width":2}]}""", "base_width", "required with an abc table")]
    [InlineData("""{"input_shape":[4],"parameterization":"mean_field","base_width":8,"layers":[{"type":"dense","width":8},{"type":"relu"},{"type":"dense","width":8},{"type":"relu"},{"type":"dense","width":1}]}""", "parameterization", "one hidden layer")]
    [InlineData("""{"input_shape":[1,8,8],"layers":[{"type":"dense","width":2}]}""", "layers[0]", "flat input")]
    [InlineData("""{"input_shape":[1,4,4],"layers":[{"type":"conv","channels":2,"kernel":[5,5]},{"type":"flatten"},{"type":"dense","width":1}]}""", "layers[0]", "larger than the input")]
    [InlineData("""{"input_shape":[1,8],"layers":[{"type":"conv","channels":2,"kernel":[3,3]},{"type":"flatten"},{"type":"dense","width":1}]}""", "layers[0]", "2-D conv")]
    [InlineData("""{"input_shape":[1,8,8],"layers":[{"type":"conv","channels":2,"kernel":[3,3],"padding":"reflect"}]}""", "layers[0].padding", "not one of")]
    [InlineData("""{"input_shape":[1,8,8],"layers":[{"type":"conv","channels":2,"kernel":[3,3],"stride":[1,2,2]}]}""", "layers[0].stride", "2 entries")]
    [InlineData("""{"input_shape":[1,8,8],"layers":[{"type":"conv","channels":2,"kernel":[3,3]}]}""", "layers[0]", "flat output")]
    [InlineData("""{"input_shape":[0],"layers":[{"type":"dense","width":1}]}""", "input_shape[0]", "at least 1")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"serial","layers":[]},{"type":"dense","width":1}]}""", "layers[0].layers", "at least one layer")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"residual","layers":[{"type":"dense","width":3}]},{"type":"dense","width":1}]}""", "layers[0]", "needs a projection")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"residual","layers":[{"type":"dense","width":3}],"shortcut":[{"type":"dense","width":2}]},{"type":"dense","width":1}]}""", "layers[0]", "the shortcut gives [2]")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"residual","layers":[{"type":"relu"}],"scale":0},{"type":"dense","width":1}]}""", "layers[0].scale", "greater than 0")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"residual","layers":[{"type":"relu"}],"shortcut":[{"type":"flatten"},{"type":"dense","width":4,"wstd":2}]},{"type":"dense","width":1}]}""", "layers[0].shortcut[1].wstd", "unknown field")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"parallel","branches":[]},{"type":"dense","width":1}]}""", "layers[0].branches", "at least one branch")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"parallel","branches":[[{"type":"relu"}],[]]},{"type":"dense","width":1}]}""", "layers[0].branches[1]", "at least one layer")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"parallel","branches":[{"type":"relu"}]},{"type":"dense","width":1}]}""", "layers[0].branches[0]", "array of layers")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"parallel","branches":[[{"type":"relu"}],[{"type":"dense","width":3}]]},{"type":"dense","width":1}]}""", "layers[0]", "sums its branches")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"parallel","combine":"product","branches":[[{"type":"relu"}]]},{"type":"dense","width":1}]}""", "layers[0].combine", "not one of")]
    [InlineData("""{"input_shape":[1,4,4],"layers":[{"type":"parallel","combine":"concat","branches":[[{"type":"relu"}],[{"type":"conv","channels":2,"kernel":[3,3]}]]},{"type":"flatten"},{"type":"dense","width":1}]}""", "layers[0]", "differ in more than that axis")]
    [InlineData("""{"input_shape":[4],"layers":[{"type":"repeat","count":0,"layers":[{"type":"relu"}]},{"type":"dense","width":1}]}""", "layers[0].count", "at least 1")]
    [InlineData("""{"input_shape":[1,4,4],"layers":[{"type":"repeat","count":4,"layers":[{"type":"relu"},{"type":"conv","channels":2,"kernel":[2,2]}]},{"type":"flatten"},{"type":"dense","width":1}]}""", "layers[0].layers[1]", "larger than the input")]
    public void Malformed_field_is_named(string json, string field, string reason)
    {
        var e = Reject(json);
        Assert.Equal("a.json", e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
        Assert.Equal($"a.json: {field}: {e.Reason}", e.Message);
    }

    [Fact]
    public void MissingFileAndBadJsonAreNamed()
    {
        var missing = Assert.Throws<InvalidInputException>(() => ArchitectureReader.Load("/nonexistent/arch.json"));
        Assert.Equal("(file)", missing.Field);
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "{ \"input_shape\": [4], ");
        var bad = Assert.Throws<InvalidInputException>(() => ArchitectureReader.Load(path));
        Assert.Contains("not valid JSON", bad.Reason);
        File.Delete(path);
    }

    [Fact]
    public void DefaultsFollowStax()
    {
        var spec = Arch.Parse("""{"input_shape":[3],"layers":[{"type":"dense","width":2}]}""");
        var dense = Assert.IsType<DenseLayer>(spec.Layers[0]);
        Assert.Equal(1.0, dense.WStd);   // stax.Dense: W_std = 1
        Assert.Equal(0.0, dense.BStd);   // b_std = None means no bias variance
        Assert.Equal(Parameterization.Ntk, spec.Parameterization);
        Assert.Equal(2, spec.OutputCount);
    }

    [Fact]
    public void WithHiddenWidthChangesHiddenLayersAndKeepsTheReadout()
    {
        var spec = Arch.Mlp(4, [8, 8], 3).WithHiddenWidth(64);
        var widths = spec.Layers.OfType<DenseLayer>().Select(d => d.Width).ToArray();
        Assert.Equal([64, 64, 3], widths);
    }
}
