namespace LinearizationLab;

/// <summary>
/// Bad user input: a file, the field inside it, and why it was rejected. The message is the
/// one line the CLI prints before exiting with code 2 ("FILE: FIELD: REASON").
/// </summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the error for <paramref name="field"/> of <paramref name="file"/>.</summary>
    public InvalidInputException(string file, string field, string reason)
        : base($"{file}: {field}: {reason}")
    {
        File = file;
        Field = field;
        Reason = reason;
    }

    /// <summary>The input file (or "command line").</summary>
    public string File { get; }

    /// <summary>The field within the file, as a JSON path such as <c>layers[2].width</c>.</summary>
    public string Field { get; }

    /// <summary>Why the value was rejected.</summary>
    public string Reason { get; }
}
