using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class RepositoryRootTests
{
    [Fact]
    public void FindsTheDirectoryHoldingTheSolution()
    {
        // Tests run from bin/ inside the repository, so the walk up must reach the solution file.
        string root = RepositoryRoot.Locate();

        Assert.True(File.Exists(Path.Combine(root, RepositoryRoot.MarkerFile)));
        Assert.Equal(Path.Combine(root, ".data", "fashion-mnist"), LabeledImages.DefaultDirectory(ImageCorpus.FashionMnist, root));
    }
}
