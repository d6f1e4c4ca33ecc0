using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about finding layer kinds by their arch.json type names.</summary>
public class LayerRegistryTests
{
    [Fact]
    public void EveryLayerTypeOfTheArchJsonContractIsRegistered() =>
        Assert.Equal(["dense", "conv", "abs", "erf", "gelu", "identity", "leaky_relu", "relu", "sigmoid", "sin", "softplus", "tanh",
            "flatten", "global_avg_pool", "avg_pool", "layer_norm", "channel_affine", "serial", "residual", "parallel", "repeat"], LayerRegistry.TypeNames);

    [Theory]
    [InlineData("""{"type":"dense","width":3,"w_std":1.5,"b_std":0.2}""", "dense")]
    [InlineData("""{"type":"Conv","channels":2,"kernel":[3],"padding":"circular"}""", "conv")]
    [InlineData("""{"type":"tanh"}""", "tanh")]
    [InlineData("""{"type":"global_avg_pool"}""", "global_avg_pool")]
    [InlineData("""{"type":"avg_pool","window":[2,2]}""", "avg_pool")]
    [InlineData("""{"type":"layer_norm","epsilon":1e-5}""", "layer_norm")]
    [InlineData("""{"type":"channel_affine"}""", "channel_affine")]
    public void A_layer_reads_back_to_its_type_name(string json, string type)
    {
        var section = JsonSection.Parse(json, "arch.json");
        Assert.Equal(type, LayerRegistry.Read(section).TypeName);
    }

    [Fact]
    public void AnUnknownTypeNamesTheFieldAndTheKnownTypes()
    {
        var e = Assert.Throws<InvalidInputException>(() => LayerRegistry.Read(JsonSection.Parse("""{"type":"swish"}""", "arch.json")));
        Assert.Contains("type", e.Message);
        Assert.Contains("global_avg_pool", e.Message);
    }
}
