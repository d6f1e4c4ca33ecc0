using System.Diagnostics;

namespace LinearizationLab.Tests.Cli;

/// <summary>
/// Facts about <c>lab completion bash</c>: sourced in bash, its function completes commands, options and option values
/// as bash's programmable completion calls it (COMP_WORDS, COMP_CWORD in, COMPREPLY out).
/// </summary>
[Collection("TorchSharp")]
public sealed class BashCompletionTests : IDisposable
{
    private readonly string _script = Path.Combine(Directory.CreateTempSubdirectory("lab-completion-").FullName, "lab.bash");

    public BashCompletionTests()
    {
        var (code, stdout, _) = LabConsole.Run("completion", "bash");
        Assert.Equal(0, code);
        File.WriteAllText(_script, stdout);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_script)!, recursive: true);

    /// <summary>COMPREPLY after bash's completion of <paramref name="words"/>, the last being the word under the cursor.</summary>
    private string[] Complete(params string[] words)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "--norc", "--noprofile", "-c",
                // `complete -p lab` fails unless the script registered _lab for lab.
                "source \"$1\" && complete -p lab >/dev/null && COMP_WORDS=(\"${@:2}\") && COMP_CWORD=$(($# - 2)) && _lab; " +
                "printf '%s\\n' \"${COMPREPLY[@]}\"",
                "bash", _script,
            },
        };
        foreach (string w in words) start.ArgumentList.Add(w);
        using var bash = Process.Start(start)!;
        string stdout = bash.StandardOutput.ReadToEnd(), stderr = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, $"bash exited {bash.ExitCode}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void LabSwCompletesToSweep() => Assert.Equal(["sweep"], Complete("lab", "sw"));

    [Fact]
    public void ACommandSOptionsAndAnOptionSValuesAreCompleted()
    {
        Assert.Equal(["--shard", "--shard-count"], Complete("lab", "sweep", "experiments/x.json", "--sh"));
        Assert.Equal(["jacobian", "ntvp", "structured"], Complete("lab", "ntk", "--arch", "a.json", "--method", ""));
        Assert.Equal(["--per-layer"], Complete("lab", "ntk", "--pe"));
        Assert.Contains("--help", Complete("lab", "kernel", "--"));
    }

    [Fact]
    public void FileValuesAreLeftToBashSFileNameCompletion()
    {
        // An empty COMPREPLY with `complete -o default` makes bash complete file names.
        Assert.Empty(Complete("lab", "kernel", "--arch", ""));
        Assert.Empty(Complete("lab", "sweep", ""));
        Assert.Contains("complete -o default -F _lab lab", File.ReadAllText(_script));
    }
}
