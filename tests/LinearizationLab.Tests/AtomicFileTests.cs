namespace LinearizationLab.Tests;

/// <summary>Facts about atomic writes: readers and concurrent writers only ever see whole files, and nothing is left behind.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AWriteCreatesTheFolderAndLeavesOnlyTheFile()
    {
        string path = Path.Combine(_dir, "runs", "w0032-s1.json");
        AtomicFile.WriteAllText(path, "{ \"width\": 32 }");
        Assert.Equal("{ \"width\": 32 }", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.Combine(_dir, "runs")));
        Assert.Equal((byte)'{', File.ReadAllBytes(path)[0]);   // UTF-8 without a byte order mark, as File.WriteAllText
    }

    [Fact]
    public void WritersInOneProcessIdNeverShareATempFile()
    {
        // Two nodes of a cluster may run writers with the same process id into one shared folder; threads of one
        // process stand in for them. They start each write together (a temp name shared between them would be
        // truncated and renamed away under the others); every read, during and after, sees one whole text.
        string path = Path.Combine(_dir, "sweep.json");
        var texts = Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 1 << 20)).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(texts.Length);
        var writers = texts.Select(text => new Thread(() =>
        {
            for (int k = 0; k < 10; k++)
            {
                start.SignalAndWait();
                try { AtomicFile.WriteAllText(path, text); }
                catch (IOException e) { errors.Enqueue(e); }
            }
        })).ToArray();
        int reads = 0, torn = 0;
        var reader = new Thread(() =>
        {
            while (writers.Any(w => w.IsAlive))
            {
                if (!File.Exists(path)) continue;
                if (!texts.Contains(File.ReadAllText(path))) torn++;
                reads++;
            }
        });
        foreach (var w in writers) w.Start();
        reader.Start();
        foreach (var w in writers) w.Join();
        reader.Join();
        Assert.Empty(errors);
        Assert.Equal(0, torn);
        Assert.True(reads > 0);
        Assert.Contains(File.ReadAllText(path), texts);
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AWriteThatFailsKeepsTheOldFileAndRemovesItsTempFile()
    {
        string path = Path.Combine(_dir, "summary.json");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half a fi"u8);
            throw new InvalidOperationException("killed mid-write");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AFileSystemFailureNamesTheFileAndTheReasonAndLeavesNoTempFile()
    {
        string path = Path.Combine(_dir, "w0064-s0.json");
        AtomicFile.WriteAllText(path, "old");
        var e = Assert.Throws<OutputWriteException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new IOException($"No space left on device : '{path}'");
        }));
        Assert.Equal(path, e.File);
        Assert.Equal("No space left on device", e.Reason);     // .NET's " : 'path'" suffix dropped: the file is named once
        Assert.Equal($"{path}: cannot write: No space left on device", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void AFolderThatCannotBeMadeIsAWriteErrorOfTheFile()
    {
        string blocker = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(blocker, "a file where a folder should be");
        string path = Path.Combine(blocker, "runs", "w0064-s0.json");
        var e = Assert.Throws<OutputWriteException>(() => AtomicFile.WriteAllText(path, "{}"));
        Assert.Equal(path, e.File);
        Assert.Equal([blocker], Directory.GetFiles(_dir));
    }

    [Fact]
    public void TempFilesAreHiddenEndInTmpAndNameHostAndProcess()
    {
        string path = Path.Combine(_dir, "w0032-s1.json");
        string a = AtomicFile.TempPath(path), b = AtomicFile.TempPath(path);
        Assert.NotEqual(a, b);
        Assert.StartsWith(".w0032-s1.json.", Path.GetFileName(a));
        Assert.EndsWith(".tmp", a);   // so that a listing of runs/*.json never sees one
        Assert.Contains($".{Environment.ProcessId}.", a);
        Assert.Empty(Directory.GetFiles(_dir, "*.json"));
    }
}
