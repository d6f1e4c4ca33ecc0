namespace LinearizationLab;

/// <summary>
/// A file that could not be written (disk full, no permission, a folder that vanished): names the file and the operating
/// system's reason. Nothing half-written is left behind it (<see cref="AtomicFile"/>), so a rerun resumes where it stopped.
/// </summary>
public sealed class OutputWriteException(string file, string reason, Exception inner)
    : IOException($"{file}: cannot write: {reason}", inner)
{
    /// <summary>The file that was being written.</summary>
    public string File { get; } = file;

    /// <summary>The operating system's reason, e.g. "No space left on device".</summary>
    public string Reason { get; } = reason;

    /// <summary>The error for <paramref name="file"/> from the exception the write raised, its message without the path .NET appends.</summary>
    public static OutputWriteException From(string file, Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string reason = e.Message;
        int at = reason.IndexOf(" : '", StringComparison.Ordinal);
        if (at > 0) reason = reason[..at];
        return new OutputWriteException(file, reason.TrimEnd('.'), e);
    }
}
