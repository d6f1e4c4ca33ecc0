using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Layers;

namespace LinearizationLab.Tests.Layers;

/// <summary>Facts about leaky_relu's arch.json field and the value equality of its configured instances.</summary>
public class LeakyReluActivationTests
{
    private static ArchitectureSpec Read(string activation) => ArchitectureReader.Read(JsonSection.Parse(
        $$"""{"input_shape":[3],"layers":[{"type":"dense","width":4},{{activation}},{"type":"dense","width":1}]}""", "arch.json"));

    [Fact]
    public void TheSlopeIsReadAndConfiguredLayersCompareByValue()
    {
        var layer = Assert.IsType<ActivationLayer>(Read("""{"type":"leaky_relu","slope":0.1}""").Layers[1]);
        Assert.Equal(0.1, Assert.IsType<LeakyReluActivation>(layer.Function).Slope);
        Assert.Equal(new ActivationLayer(LeakyReluActivation.WithSlope(0.1)), layer);
        Assert.Equal(Read("""{"type":"leaky_relu","slope":0.1}""").Layers[1], Read("""{"type":"leaky_relu","slope":0.1}""").Layers[1]);
        Assert.NotEqual(new ActivationLayer(LeakyReluActivation.Instance), layer);
        Assert.Equal(0.1 * -2.0, layer.Function.Value(-2.0), 1e-16);   // one product: exact up to the rounding of 0.1·2
    }

    [Fact]
    public void WithoutASlopeTheDefaultIsPyTorchs()
    {
        var layer = Assert.IsType<ActivationLayer>(Read("""{"type":"leaky_relu"}""").Layers[1]);
        Assert.Equal(new ActivationLayer(Activation.LeakyRelu), layer);
        Assert.Equal(0.01, ((LeakyReluActivation)Activation.ByName("leaky_relu")).Slope);
    }

    [Theory]
    [InlineData("""{"type":"leaky_relu","slope":"steep"}""", "layers[1].slope", "must be a finite number")]
    [InlineData("""{"type":"leaky_relu","alpha":0.1}""", "layers[1].alpha", "unknown field")]
    [InlineData("""{"type":"relu","slope":0.1}""", "layers[1].slope", "unknown field")]
    [InlineData("""{"type":"gelu","approximate":true}""", "layers[1].approximate", "unknown field")]
    public void ABadOrUnknownFieldIsAOneLineErrorNamingIt(string activation, string field, string reason)
    {
        var e = Assert.Throws<InvalidInputException>(() => Read(activation));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
        Assert.DoesNotContain('\n', e.Message);
    }
}
