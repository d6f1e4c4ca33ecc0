using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace LinearizationLab.Cli;

/// <summary>
/// The one-line error of a command line that did not parse, as <c>command line: FIELD: reason</c>: an unknown command
/// or option (with the nearest name when one is close, "did you mean sweep?"), an unexpected argument, an option
/// without its value, a required option left out.
/// </summary>
public static class CommandLineError
{
    private const string Source = "command line";

    /// <summary>The first problem of <paramref name="result"/>, in the order the user reads the line; null when it has none.</summary>
    public static InvalidInputException? Find(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Action is HelpAction) return null;   // help is shown whatever else the line holds
        var command = result.CommandResult.Command;
        // A positional argument takes any word, so an unknown option lands in it rather than among the unmatched
        // tokens (`lab sweep --shrd 1/2 S.json`, `lab merge --out D --bogus S1`); it is still the first mistake.
        var misplaced = result.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .Select(t => t.Value).FirstOrDefault(v => v.Length > 1 && v.StartsWith('-') && !double.TryParse(v, out _));
        if (misplaced is null && result.Action is not ParseErrorAction) return null;
        if ((misplaced ?? result.UnmatchedTokens.FirstOrDefault()) is { } token)
        {
            string[] options = [.. command.Options.Where(o => !o.Hidden && o.Name != "--help").Select(o => o.Name)];
            if (token.StartsWith('-'))
                return new InvalidInputException(Source, token,
                    $"unknown option{DidYouMean(token, options)} (accepted: {string.Join(", ", options)})");
            if (command is RootCommand)
                return new InvalidInputException(Source, token,
                    $"unknown command{DidYouMean(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))} (lab --help lists them)");
            return new InvalidInputException(Source, token, "unexpected argument (options are --name value)");
        }
        var error = result.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult { IdentifierToken: null } o => new InvalidInputException(Source, o.Option.Name, "is required"),
            OptionResult { Tokens.Count: 0 } o => new InvalidInputException(Source, o.Option.Name, "needs a value"),
            OptionResult { Tokens.Count: > 1 } o when o.Option.Arity.MaximumNumberOfValues == 1 =>
                new InvalidInputException(Source, o.Option.Name, "is given more than once"),
            OptionResult o => new InvalidInputException(Source, o.Option.Name, error.Message),
            ArgumentResult a => new InvalidInputException(Source, a.Argument.HelpName ?? a.Argument.Name, error.Message),
            _ => new InvalidInputException(Source, command.Name, error.Message),
        };
    }

    /// <summary>", did you mean NAME?" for the candidate nearest to <paramref name="token"/>, or "" when none is near.</summary>
    private static string DidYouMean(string token, IEnumerable<string> candidates)
    {
        // Near: at most 3 edits (System.CommandLine's own bound) and at most half the token's letters, or a prefix.
        var best = candidates
            .Select(c => (Name: c, Distance: c.StartsWith(token, StringComparison.Ordinal) ? 0 : EditDistance(token, c)))
            .Where(c => c.Distance <= 3 && 2 * c.Distance <= token.TrimStart('-').Length)
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is null ? "" : $", did you mean {best.Name}?";
    }

    /// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions that turn one word into the other.</summary>
    internal static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
