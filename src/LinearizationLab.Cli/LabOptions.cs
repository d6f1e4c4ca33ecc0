using System.CommandLine;
using LinearizationLab.Data;

namespace LinearizationLab.Cli;

/// <summary>The options several commands share, each with its help text: files in, the output folder.</summary>
public static class LabOptions
{
    /// <summary><c>--arch A.json</c>, required.</summary>
    public static Option<string> Arch() => Value("--arch", "A.json",
        "The architecture file (arch.json: input_shape, parameterization, layers; neural-tangents stax conventions)", required: true);

    /// <summary><c>--x1 X1.csv</c>, required.</summary>
    public static Option<string> X1() => Value("--x1", "X1.csv",
        "Inputs x1, one example per row: CSV (no header, CNN inputs flattened in C,H,W order), .npy of shape (N, ...), " +
        "or an .npz array as FILE.npz:NAME", required: true);

    /// <summary><c>--x2 X2.csv</c>, optional.</summary>
    public static Option<string> X2() => Value("--x2", "X2.csv",
        "Second inputs x2 for kernels K(x1, x2), N1 × N2, in the formats of --x1; without it x2 = x1", required: false);

    /// <summary><c>--format npy|csv</c>, optional: the format of the arrays a command writes.</summary>
    public static Option<string> Format(string what) => Value("--format", "npy|csv",
        $"Format of {what}: npy (NumPy, float64) or csv [default: npy when the largest has more than " +
        $"{MatrixFile.NpyDefaultAbove:N0} entries, else csv]", false, "npy", "csv");

    /// <summary>The format <paramref name="option"/> names, or null when it is not given; any other name is an error naming the option.</summary>
    public static MatrixFormat? FormatValue(ParseResult args, Option<string> option)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(option);
        string? text = args.GetValue(option);
        if (text is null) return null;
        return MatrixFile.TryParseFormat(text, out var format) ? format
            : throw new InvalidInputException("command line", option.Name, $"'{text}' is not npy or csv");
    }

    /// <summary><c>--config C.json</c>, required.</summary>
    public static Option<string> Config(string description) => Value("--config", "C.json", description, required: true);

    /// <summary><c>--out DIR</c>.</summary>
    public static Option<string> Out(string description, bool required = true) => Value("--out", "DIR", description, required);

    /// <summary>An option that takes one value, shown in help as <c>--name &lt;HELPNAME&gt;</c>.</summary>
    public static Option<string> Value(string name, string helpName, string description, bool required = false, params string[] values)
    {
        var option = new Option<string>(name) { HelpName = helpName, Description = description, Required = required };
        if (values.Length > 0) option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>A bare flag (<c>--name</c>, no value).</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An integer of at least <paramref name="min"/> given to <paramref name="option"/>, or its one-line error.</summary>
    public static int Integer(string text, string option, int min) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v >= min ? v
            : throw new InvalidInputException("command line", option, $"must be an integer of at least {min} (got '{text.Trim()}')");

    /// <summary>A comma-separated list of such integers (at least one).</summary>
    public static int[] Integers(string list, string option, int min)
    {
        var values = list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => Integer(v, option, min)).ToArray();
        return values.Length > 0 ? values : throw new InvalidInputException("command line", option, "must list at least one integer");
    }
}
