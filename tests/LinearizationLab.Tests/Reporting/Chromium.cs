namespace LinearizationLab.Tests.Reporting;

/// <summary>
/// Debian's headless Chromium for the tests that render a page: found on the machine, or installed once through apt
/// (package chromium-headless-shell, about 100 MB) when it is absent and the tests run as root; otherwise the test is
/// skipped with the reason.
/// </summary>
internal static class Chromium
{
    /// <summary>The Debian package installed when no Chromium is found.</summary>
    public const string Package = "chromium-headless-shell";

    private static readonly string[] Programs = ["chromium-headless-shell", "chromium"];
    private static readonly Lock Gate = new();
    private static string? _installFailure;

    /// <summary>The browser's path; installs it when absent, and skips the calling test when that is impossible.</summary>
    public static string Locate()
    {
        lock (Gate)
        {
            if (Find() is { } found) return found;
            _installFailure ??= Install();
            return Find() ?? throw new SkipException($"headless Chromium is not installed and could not be installed: {_installFailure}");
        }
    }

    /// <summary>
    /// Renders <paramref name="page"/> (a local file) into the PNG <paramref name="screenshot"/> as a new, empty browser
    /// profile with no network use of its own; the output holds the page's console messages (lines with ":CONSOLE").
    /// </summary>
    public static (int Code, string Output) Screenshot(string browser, string page, string screenshot, string scratch)
    {
        string profile = Directory.CreateDirectory(Path.Combine(scratch, "chromium-profile")).FullName;
        return ChildProcess.Run(browser,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", $"--user-data-dir={profile}",
            "--enable-logging=stderr", "--log-level=0", "--window-size=1200,2000", $"--screenshot={screenshot}",
            new Uri(Path.GetFullPath(page)).AbsoluteUri,
        ], scratch, timeoutSeconds: 120);
    }

    private static string? Find()
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin");
        return Programs.SelectMany(p => folders.Select(f => Path.Combine(f, p))).FirstOrDefault(File.Exists);
    }

    /// <summary>Installs the package through apt; returns why it failed (or "" when it worked).</summary>
    private static string Install()
    {
        if (!File.Exists("/usr/bin/apt-get")) return "apt-get is not available on this machine";
        string[] install = ["install", "-y", "-q", "--no-install-recommends", Package];
        var environment = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var (code, output) = ChildProcess.Run("apt-get", install, "/", environment, timeoutSeconds: 600);
        if (code != 0)
        {
            // The package lists may be stale or absent on a fresh machine.
            ChildProcess.Run("apt-get", ["update", "-q"], "/", environment, timeoutSeconds: 300);
            (code, output) = ChildProcess.Run("apt-get", install, "/", environment, timeoutSeconds: 600);
        }
        string last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return code == 0 ? "" : $"apt-get install {Package} exited with {code}: {last}";
    }
}
