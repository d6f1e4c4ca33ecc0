using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;

namespace LinearizationLab.Cli;

/// <summary>
/// A bash completion script written from the command tree, so it completes exactly the commands, options and fixed
/// values the parser accepts: subcommands after <c>lab</c>, a command's options after <c>-</c>, the values of an
/// option such as <c>--method</c>, and file names (bash's default) for file and folder values and arguments.
/// The script is static: a tab press runs no .NET process.
/// </summary>
public static class BashCompletion
{
    /// <summary>The script for <paramref name="root"/>, registered for the command name <paramref name="program"/>.</summary>
    public static string Script(RootCommand root, string program)
    {
        ArgumentNullException.ThrowIfNull(root);
        string function = "_" + new string([.. program.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        var sb = new StringBuilder();
        sb.Append($$"""
            # bash completion for {{program}}, written by `{{program}} completion bash`. Use it in this shell:
            #   source <({{program}} completion bash)
            # or in every new one:
            #   {{program}} completion bash > ~/.local/share/bash-completion/completions/{{program}}
            {{function}}() {
              local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="" options="" values="" files=0 i
              for ((i = 1; i < COMP_CWORD; i++)); do
                case "${COMP_WORDS[i]}" in -*) ;; *) command="${COMP_WORDS[i]}"; break ;; esac
              done
              case "$command" in
                "") options="{{Words(OptionNames(root))}}"; values="{{Words(root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}}" ;;

            """);
        // Options such as --help that every subcommand takes from the root.
        string[] inherited = [.. root.Options.Where(o => o.Recursive && !o.Hidden).SelectMany(Names)];
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
        {
            var arguments = command.Arguments.Where(a => !a.Hidden).ToArray();
            var argumentValues = arguments.SelectMany(Values).ToArray();
            sb.Append($"    {command.Name}) options=\"{Words(OptionNames(command).Concat(inherited))}\"");
            if (argumentValues.Length > 0) sb.Append($"; values=\"{Words(argumentValues)}\"");
            else if (arguments.Length > 0) sb.Append("; files=1");
            sb.AppendLine();
            var valued = command.Options.Where(o => !o.Hidden && o.Arity.MaximumNumberOfValues > 0).ToArray();
            if (valued.Length == 0)
            {
                sb.AppendLine("      ;;");
                continue;
            }
            sb.AppendLine("      case \"$prev\" in");
            foreach (var option in valued.Where(o => Values(o).Any()))
                sb.AppendLine($"        {Alternatives(option)}) COMPREPLY=($(compgen -W \"{Words(Values(option))}\" -- \"$cur\")); return 0 ;;");
            var free = valued.Where(o => !Values(o).Any()).ToArray();
            if (free.Length > 0)
                sb.AppendLine($"        {string.Join('|', free.Select(Alternatives))}) return 0 ;;   # a file, folder or number: bash's default");
            sb.AppendLine("      esac ;;");
        }
        sb.Append($$"""
                *) return 0 ;;
              esac
              if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$options" -- "$cur"))
              elif [ -n "$values" ]; then COMPREPLY=($(compgen -W "$values" -- "$cur"))
              elif [ "$files" -eq 0 ]; then COMPREPLY=($(compgen -W "$options" -- "$cur"))
              fi
            }
            complete -o default -F {{function}} {{program}}

            """);
        return sb.ToString();
    }

    /// <summary>An option's names and aliases that a shell word can hold (not /h or -?, which bash would glob).</summary>
    private static IEnumerable<string> Names(Option option) =>
        new[] { option.Name }.Concat(option.Aliases).Where(n => n.StartsWith('-') && !n.Contains('?')).Order(StringComparer.Ordinal);

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Where(o => !o.Hidden).SelectMany(Names);

    private static string Alternatives(Option option) => string.Join('|', Names(option));

    private static IEnumerable<string> Values(Option option) =>
        option.GetCompletions(CompletionContext.Empty).Select(c => c.Label);

    private static IEnumerable<string> Values(Argument argument) =>
        argument.GetCompletions(CompletionContext.Empty).Select(c => c.Label);

    private static string Words(IEnumerable<string> words) => string.Join(' ', words);
}
