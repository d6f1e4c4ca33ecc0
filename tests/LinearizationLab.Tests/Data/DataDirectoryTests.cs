using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

/// <summary>
/// Facts about <see cref="DataDirectory"/>: LAB_DATA_DIR is searched first, then the user's data folder (XDG_DATA_HOME),
/// then the clone's .data; each corpus comes from the first root that holds it; when none does, the error names every
/// folder searched and the command that fetches it.
/// </summary>
public sealed class DataDirectoryTests : IDisposable
{
    private static readonly string[] Variables = [DataDirectory.EnvironmentVariable, "XDG_DATA_HOME"];

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-data-dir-").FullName;
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public DataDirectoryTests()
    {
        Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, Path.Combine(_dir, "env"));
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", Path.Combine(_dir, "xdg"));
    }

    public void Dispose()
    {
        foreach (var (v, value) in _saved) Environment.SetEnvironmentVariable(v, value);
        Directory.Delete(_dir, recursive: true);
    }

    private string Corpus(string root, string name, bool gzip = false)
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, root, name)).FullName;
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte" + (gzip ? ".gz" : "")), [0]);
        return folder;
    }

    [Fact]
    public void TheRootsAreTheVariableThenTheUserFolderThenTheClonesData()
    {
        // The tests run inside the clone, so its .data comes last.
        Assert.Equal([Path.Combine(_dir, "env"), Path.Combine(_dir, "xdg", "linearizationlab"), Path.Combine(RepositoryRoot.Locate(), ".data")],
            DataDirectory.Roots);
        Assert.Equal(Path.Combine(_dir, "env"), DataDirectory.FetchDirectory);

        Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, null);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", "relative/path");   // the XDG spec says to ignore a relative path
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.Combine(home, ".local", "share", "linearizationlab"), DataDirectory.UserDirectory);
        Assert.Equal(DataDirectory.UserDirectory, DataDirectory.FetchDirectory);
        Assert.Equal(2, DataDirectory.Roots.Count);
    }

    [Fact]
    public void EachCorpusComesFromTheFirstRootThatHoldsIt()
    {
        string fashion = Corpus("env", "fashion-mnist", gzip: true);
        string mnist = Corpus(Path.Combine("xdg", "linearizationlab"), "mnist");
        Directory.CreateDirectory(Path.Combine(_dir, "env", "mnist"));   // an empty folder does not hold MNIST

        Assert.Equal(fashion, DataDirectory.Locate(ImageCorpus.FashionMnist));
        Assert.Equal(mnist, DataDirectory.Locate(ImageCorpus.Mnist));
        Assert.Equal(mnist, LabeledImages.DefaultDirectory(ImageCorpus.Mnist));
    }

    [Fact]
    public void AMissingCorpusNamesEveryFolderSearchedAndTheFetchCommand()
    {
        // The message Locate throws when no root holds the corpus (outside a clone, the tool's test sees it from `lab sweep`).
        Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, null);
        string reason = DataDirectory.NotFound(ImageCorpus.FashionMnist);

        string user = Path.Combine(_dir, "xdg", "linearizationlab");
        Assert.Equal($"Fashion-MNIST not found in {Path.Combine(user, "fashion-mnist")}, {Path.Combine(RepositoryRoot.Locate(), ".data", "fashion-mnist")} " +
                     $"(LAB_DATA_DIR is not set); `lab setup` fetches it into {Path.Combine(user, "fashion-mnist")}", reason);
    }
}
