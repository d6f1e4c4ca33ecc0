using LinearizationLab.Configuration;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>Reads <c>data</c> sections as if from run.json in a temporary directory (base of the data-source test classes).</summary>
public abstract class DataSectionTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected TemporaryDirectory Dir => _dir;

    private protected string ConfigPath => _dir.File("run.json");

    /// <summary>Reads <c>{"data": DATA}</c>.</summary>
    private protected DataSpec Spec(string data) =>
        DataSpec.Read(JsonSection.Parse($$"""{ "data": {{data}} }""", ConfigPath).RequiredSection("data"));

    /// <summary>Reads <c>{"data": DATA}</c> and checks that it is of source type <typeparamref name="T"/>.</summary>
    private protected T Spec<T>(string data) where T : DataSpec => Assert.IsType<T>(Spec(data));

    private protected InvalidInputException Rejected(string data) => Assert.Throws<InvalidInputException>(() => Spec(data));
}
