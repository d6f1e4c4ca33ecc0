using System.Text;

namespace LinearizationLab;

/// <summary>
/// Writes files so that a killed process never leaves a half-written one and several processes may write into one
/// shared folder (a cluster's array tasks on several nodes): each write goes to a temp file of its own in the same
/// directory, is flushed to disk, and is then renamed over the target, which readers see whole, old or new.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/> atomically, creating the directory if needed.</summary>
    public static void WriteAllText(string path, string text) => Write(path, stream => stream.Write(Utf8.GetBytes(text)));

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating the directory if needed.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Lets <paramref name="write"/> fill a new temp file, flushes it to disk and renames it to <paramref name="path"/>;
    /// when anything throws, the temp file is removed and the target is left as it was. A failure of the file system (disk
    /// full, no permission, a folder that vanished) becomes an <see cref="OutputWriteException"/> naming the target.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temp = TempPath(full);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); }
            catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }   // the original error matters more than a stray temp file
            if (e is IOException and not OutputWriteException or UnauthorizedAccessException) throw OutputWriteException.From(full, e);
            throw;
        }
    }

    /// <summary>
    /// The temp file for <paramref name="fullPath"/>: hidden, beside it, ending in <c>.tmp</c> (so no <c>*.json</c>
    /// listing sees it), and unique across processes and machines: host name, process id and a random GUID, since
    /// two nodes of a cluster may run processes with the same id writing into one shared folder.
    /// </summary>
    internal static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!,
            $".{Path.GetFileName(fullPath)}.{HostTag}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    private static string HostTag { get; } = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
