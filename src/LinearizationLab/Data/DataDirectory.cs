namespace LinearizationLab.Data;

/// <summary>
/// Where the image corpora (MNIST, Fashion-MNIST) are looked for, in this order: the folder named by the environment
/// variable <c>LAB_DATA_DIR</c>; the user's data folder (<c>$XDG_DATA_HOME/linearizationlab</c>, by default
/// <c>~/.local/share/linearizationlab</c>), which <c>lab setup</c> fills; the repository's <c>.data/</c> when the program
/// runs inside a clone (<see cref="RepositoryRoot"/>), which <c>scripts/setup.sh</c> fills. Each corpus is a subfolder
/// (<c>mnist/</c>, <c>fashion-mnist/</c>) of the first of these roots that holds it.
/// </summary>
public static class DataDirectory
{
    /// <summary>The environment variable naming a data folder that is searched first.</summary>
    public const string EnvironmentVariable = "LAB_DATA_DIR";

    /// <summary>The command that fetches the corpora into <see cref="UserDirectory"/>.</summary>
    public const string FetchCommand = "lab setup";

    /// <summary>The user's data folder: <c>$XDG_DATA_HOME/linearizationlab</c>, or <c>~/.local/share/linearizationlab</c>.</summary>
    public static string UserDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            string baseDirectory = string.IsNullOrEmpty(xdg) || !Path.IsPathRooted(xdg)   // the XDG spec ignores relative paths
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".local", "share")
                : xdg;
            return Path.Combine(baseDirectory, "linearizationlab");
        }
    }

    /// <summary>The folder <c>lab setup</c> fetches into: <c>LAB_DATA_DIR</c> when set, else <see cref="UserDirectory"/>.</summary>
    public static string FetchDirectory =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir ? Path.GetFullPath(dir) : UserDirectory;

    /// <summary>The roots searched, in order: <c>LAB_DATA_DIR</c> (when set), <see cref="UserDirectory"/>, the repository's <c>.data/</c> (when inside one).</summary>
    public static IReadOnlyList<string> Roots
    {
        get
        {
            var roots = new List<string>();
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir) roots.Add(Path.GetFullPath(dir));
            roots.Add(UserDirectory);
            if (RepositoryRoot.Find() is { } repository) roots.Add(Path.Combine(repository, ".data"));
            return roots;
        }
    }

    /// <summary>The subfolder name of <paramref name="corpus"/>: <c>mnist</c> or <c>fashion-mnist</c>.</summary>
    public static string FolderName(ImageCorpus corpus) => corpus == ImageCorpus.Mnist ? "mnist" : "fashion-mnist";

    /// <summary>The first searched folder that holds <paramref name="corpus"/>'s test labels (raw or .gz), or null when none does.</summary>
    public static string? Find(ImageCorpus corpus) =>
        Roots.Select(root => Path.Combine(root, FolderName(corpus))).FirstOrDefault(Holds);

    /// <summary>
    /// The folder of <paramref name="corpus"/>; throws <see cref="InvalidInputException"/> naming the folders searched and
    /// the command that fetches it when none holds it.
    /// </summary>
    public static string Locate(ImageCorpus corpus) =>
        Find(corpus) ?? throw new InvalidInputException(FolderName(corpus), "(data)", NotFound(corpus));

    /// <summary>
    /// The reason <paramref name="corpus"/> was not found, in one line: the folders searched, in order, and how to fetch it,
    /// e.g. "MNIST not found in /home/u/.local/share/linearizationlab/mnist (LAB_DATA_DIR is not set); `lab setup` fetches it there".
    /// </summary>
    public static string NotFound(ImageCorpus corpus)
    {
        string name = corpus == ImageCorpus.Mnist ? "MNIST" : "Fashion-MNIST";
        string folders = string.Join(", ", Roots.Select(root => Path.Combine(root, FolderName(corpus))));
        string variable = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } ? "" : $" ({EnvironmentVariable} is not set)";
        return $"{name} not found in {folders}{variable}; `{FetchCommand}` fetches it into {Path.Combine(FetchDirectory, FolderName(corpus))}";
    }

    private static bool Holds(string folder) =>
        File.Exists(Path.Combine(folder, "t10k-labels-idx1-ubyte")) || File.Exists(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
}
