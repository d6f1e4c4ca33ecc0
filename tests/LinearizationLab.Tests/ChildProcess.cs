using System.Diagnostics;
using System.Text;

namespace LinearizationLab.Tests;

/// <summary>
/// Runs a program as a user would from a shell (dotnet pack, dotnet tool install, an installed tool, a browser), with a
/// time limit, and returns its exit code and output. Child dotnet commands get no MSBuild variables of the test host and
/// leave no build servers behind.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The dotnet host running the tests (what `dotnet test` names in DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The build configuration the tests were built in (Release or Debug), read off the test assembly's folder.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Debug") ? "Debug" : "Release";

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="directory"/>; null environment values unset a variable.</summary>
    public static (int Code, string Output) Run(string program, IEnumerable<string> arguments, string directory,
        IReadOnlyDictionary<string, string?>? environment = null, int timeoutSeconds = 300)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["UseSharedCompilation"] = "false";   // no compiler server left running after a build
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{program} {string.Join(' ', arguments)}: no exit within {timeoutSeconds} s\n{output}");
        }
        process.WaitForExit();   // drains the redirected streams
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Runs <c>dotnet ARGS</c> and asserts it succeeds, showing its output when it does not.</summary>
    public static string DotnetOrFail(string directory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var (code, output) = Run(Dotnet, arguments, directory, environment);
        Assert.True(code == 0, $"dotnet {string.Join(' ', arguments)} exited with {code}:\n{output}");
        return output;
    }
}
