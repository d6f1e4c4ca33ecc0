using System.CommandLine;

namespace LinearizationLab.Cli.Commands;

/// <summary><c>lab completion [bash]</c>: prints the bash completion script of <see cref="BashCompletion"/>.</summary>
public sealed class CompletionCommand : Command
{
    private readonly Argument<string> _shell = new("SHELL")
    {
        HelpName = "SHELL",
        Description = "The shell (bash is the one supported)",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "bash",
    };

    /// <summary>Creates the command.</summary>
    public CompletionCommand()
        : base("completion", "Print a tab-completion script: source <(lab completion bash), or save it as " +
                             "~/.local/share/bash-completion/completions/lab")
    {
        _shell.CompletionSources.Add("bash");
        Arguments.Add(_shell);
        SetAction(Run);
    }

    private int Run(ParseResult args)
    {
        string shell = args.GetRequiredValue(_shell);
        if (shell != "bash") throw new InvalidInputException("command line", _shell.Name, $"'{shell}' is not supported (bash is)");
        var root = (RootCommand)args.RootCommandResult.Command;
        Console.Write(BashCompletion.Script(root, root.HelpName ?? root.Name));
        return 0;
    }
}
