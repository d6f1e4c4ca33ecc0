using System.Globalization;
using System.Text.RegularExpressions;
using LinearizationLab.Data;

namespace LinearizationLab.Tests.Examples;

/// <summary>
/// Facts about examples/NtkQuickstart, built as a user would build it: against the LinearizationLab package that
/// `dotnet pack` makes (a folder source, not the repository's project), and run at two widths, where the empirical NTK's
/// distance to the analytic one and the network's output gap to its linearization both shrink with width.
/// </summary>
public sealed partial class NtkQuickstartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-example-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheExampleBuildsAgainstThePackageAndItsGapsShrinkWithWidth()
    {
        string root = RepositoryRoot.Locate();
        string packages = Path.Combine(_dir, "packages");
        ChildProcess.DotnetOrFail(root, null,
            "pack", Path.Combine("src", "LinearizationLab"), "-c", ChildProcess.Configuration, "--no-build", "-o", packages);
        Assert.Single(Directory.GetFiles(packages, "LinearizationLab.*.nupkg"));

        // The package comes from the folder just packed, into a packages folder of its own, so that a LinearizationLab
        // restored earlier into the machine's cache (the same version, older code) cannot stand in for it; its
        // dependencies (TorchSharp, libtorch, …) come from the machine's cache, which the repository's restore filled.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string fallback = Directory.CreateDirectory(Path.Combine(_dir, "fallback")).FullName;
        foreach (string package in Directory.GetDirectories(cache).Where(d => Path.GetFileName(d) != "linearizationlab"))
            Directory.CreateSymbolicLink(Path.Combine(fallback, Path.GetFileName(package)), package);
        string output = Path.Combine(_dir, "bin");
        ChildProcess.DotnetOrFail(root, null, "build", Path.Combine("examples", "NtkQuickstart"), "-c", "Release", "-o", output,
            $"-p:RestorePackagesPath={Path.Combine(_dir, "restored")}", $"-p:RestoreFallbackFolders={fallback}",
            $"-p:RestoreAdditionalProjectSources={packages}", $"-p:BaseIntermediateOutputPath={Path.Combine(_dir, "obj")}{Path.DirectorySeparatorChar}",
            "-nodeReuse:false");
        Assert.True(Directory.Exists(Path.Combine(_dir, "restored", "linearizationlab")), "LinearizationLab did not come from the packed folder");

        var narrow = Run(output, 64);
        var wide = Run(output, 512);

        // Both are O(n^−1/2) or faster (Lee et al. 2019): 8× the width should divide them by √8 ≈ 2.8; one seed at each
        // width fluctuates, so the fact asked is a clear decrease, at least 1.5×.
        Assert.True(narrow.Distance > 1.5 * wide.Distance, $"NTK distance {narrow.Distance} at width 64, {wide.Distance} at 512");
        Assert.True(narrow.Gap > 1.5 * wide.Gap, $"output gap {narrow.Gap} at width 64, {wide.Gap} at 512");
        Assert.InRange(wide.Distance, 1e-3, 0.5);
        Assert.InRange(wide.Gap, 1e-6, 0.5);
    }

    private (double Distance, double Gap) Run(string output, int width)
    {
        var (code, text) = ChildProcess.Run(Path.Combine(output, "NtkQuickstart"), [width.ToString(CultureInfo.InvariantCulture)], _dir);
        Assert.True(code == 0, text);
        Assert.Contains($"width {width}, ", text, StringComparison.Ordinal);
        double distance = double.Parse(DistanceLine().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        double gap = double.Parse(GapLine().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        return (distance, gap);
    }

    [GeneratedRegex(@"NTK distance .* = ([0-9.eE+-]+)")]
    private static partial Regex DistanceLine();

    [GeneratedRegex(@"output gap .* = ([0-9.eE+-]+),")]
    private static partial Regex GapLine();
}
