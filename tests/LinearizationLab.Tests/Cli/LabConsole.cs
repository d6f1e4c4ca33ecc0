namespace LinearizationLab.Tests.Cli;

/// <summary>Runs the <c>lab</c> command in-process as a user would, capturing what it prints.</summary>
internal static class LabConsole
{
    /// <summary>The exit code, standard output and standard error of <c>lab ARGS</c>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try { return (LinearizationLab.Cli.Lab.Run(args), stdout.ToString(), stderr.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
