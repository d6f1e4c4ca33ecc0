using System.Text.RegularExpressions;

namespace LinearizationLab.Tests;

/// <summary>
/// The library's top-level folders (one namespace each) depend on each other one way only, as docs/ARCHITECTURE.md
/// draws them, and the analytic side does not touch tensors. Read from the sources: every <c>using LinearizationLab.X</c>
/// and every name qualified as <c>LinearizationLab.X.</c> or <c>X.</c> (a sibling namespace) counts as a dependency.
/// </summary>
public partial class LibraryLayeringTests
{
    private static readonly string Library = Path.Combine(RepositoryRoot(), "src", "LinearizationLab");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LinearizationLab.sln"))) return dir.FullName;
        throw new InvalidOperationException("LinearizationLab.sln not found above the test assembly");
    }

    private static string[] Folders() => Directory.GetDirectories(Library).Select(Path.GetFileName).OfType<string>()
        .Where(f => f is not ("bin" or "obj")).Order(StringComparer.Ordinal).ToArray();

    private static string[] Sources(string folder) => Directory.GetFiles(Path.Combine(Library, folder), "*.cs", SearchOption.AllDirectories);

    /// <summary>Folder → the other folders its sources name.</summary>
    private static Dictionary<string, SortedSet<string>> Dependencies()
    {
        var folders = Folders();
        var graph = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (string folder in folders)
        foreach (string file in Sources(folder))
        {
            string text = Comments().Replace(File.ReadAllText(file), "");
            foreach (Match m in QualifiedName().Matches(text))
            {
                string other = m.Groups["ns"].Value;
                if (other != folder && graph.ContainsKey(other)) graph[folder].Add(other);
            }
        }
        return graph;
    }

    [Fact]
    public void TopLevelFoldersFormNoDependencyCycle()
    {
        var graph = Dependencies();
        Assert.Contains("Layers", graph["Networks"]);   // the scan sees dependencies at all
        var state = new Dictionary<string, int>();      // 1: on the current path, 2: finished
        var path = new List<string>();
        string? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (string next in graph[node])
            {
                if (state.GetValueOrDefault(next) == 1)
                    return string.Join(" → ", path.SkipWhile(p => p != next).Append(next));
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle) return cycle;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (string node in graph.Keys)
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
                Assert.Fail($"dependency cycle between folders: {cycle}");
    }

    [Fact]
    public void TheAnalyticKernelsUseNoTensors()
    {
        // The recursions run on double arrays; the layers' kernel steps they call take no tensors either.
        foreach (string file in Sources("Analytic"))
            Assert.DoesNotMatch(@"\bTorchSharp\b|\bTensor\b", Comments().Replace(File.ReadAllText(file), ""));
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();

    [GeneratedRegex(@"\bLinearizationLab\.(?<ns>[A-Z]\w*)|(?<![\w.])(?<ns>[A-Z]\w*)(?=\.[A-Z])")]
    private static partial Regex QualifiedName();
}
