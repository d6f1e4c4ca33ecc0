namespace LinearizationLab.Data;

/// <summary>
/// Finds the repository root (the directory holding LinearizationLab.sln), where the data cache
/// <c>.data/</c> lives, by walking up from the current directory and then from the program's directory.
/// </summary>
public static class RepositoryRoot
{
    /// <summary>The file that marks the root.</summary>
    public const string MarkerFile = "LinearizationLab.sln";

    /// <summary>The root, or null when neither the current directory nor the program's directory lies inside one.</summary>
    public static string? Find()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, MarkerFile)))
                    return dir.FullName;
        }
        return null;
    }

    /// <summary>The root; throws <see cref="InvalidInputException"/> when it cannot be found.</summary>
    public static string Locate() =>
        Find() ?? throw new InvalidInputException(MarkerFile, "(file)",
            $"not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; give the data directory explicitly");
}
