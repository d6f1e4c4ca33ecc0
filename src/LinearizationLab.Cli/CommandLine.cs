namespace LinearizationLab.Cli;

/// <summary>The options after a subcommand: <c>--name value</c> pairs and bare <c>--flag</c>s, checked against what the command accepts.</summary>
public sealed class CommandLine
{
    private const string Source = "command line";
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; <paramref name="flags"/> take no value, <paramref name="options"/> take one.</summary>
    public CommandLine(IEnumerable<string> args, string[] options, string[] flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new InvalidInputException(Source, a, "unexpected argument (options are --name value)");
            string name = a[2..];
            if (flags.Contains(name)) { _values[name] = null; continue; }
            if (!options.Contains(name))
                throw new InvalidInputException(Source, a, $"unknown option (accepted: {string.Join(", ", options.Concat(flags).Select(o => "--" + o))})");
            if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new InvalidInputException(Source, a, "needs a value");
            _values[name] = list[++i];
        }
    }

    /// <summary>The value of <c>--name</c>, or an error saying it is required.</summary>
    public string Required(string name) =>
        Optional(name) ?? throw new InvalidInputException(Source, "--" + name, "is required");

    /// <summary>The value of <c>--name</c>, or null.</summary>
    public string? Optional(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>Whether the bare flag <c>--name</c> was given.</summary>
    public bool Flag(string name) => _values.ContainsKey(name);

    /// <summary>An integer option.</summary>
    public long? Long(string name) =>
        Optional(name) is not { } v ? null
        : long.TryParse(v, out long n) ? n
        : throw new InvalidInputException(Source, "--" + name, $"'{v}' is not an integer");
}
