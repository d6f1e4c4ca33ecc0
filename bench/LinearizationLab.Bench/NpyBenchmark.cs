using System.Diagnostics;
using System.Globalization;
using LinearizationLab.Data;

namespace LinearizationLab.Bench;

/// <summary>
/// A kernel file in both output formats (<see cref="MatrixFile"/>): an N × N float64 matrix of full-precision values (default
/// N = 10,000, 10⁸ entries) written as .npy and as CSV (each write atomic and flushed to disk, as the commands write), then
/// read back. Prints each format's file size and the median and range of the write and read times over repetitions (reads
/// find the file in the page cache). Arguments: <c>--n N</c> and <c>--reps R</c> (default 3).
/// </summary>
public static class NpyBenchmark
{
    /// <summary>Runs the benchmark with the sizes in <paramref name="args"/>.</summary>
    public static void Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int n = 10_000, reps = 3;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--n" && i + 1 < args.Length) n = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--reps" && i + 1 < args.Length) reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        // Values in (0, 2) with all 53 bits of mantissa, as a kernel's entries have: 17 significant digits in CSV.
        var random = new Random(0);
        var kernel = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) kernel[i, j] = 0.5 + 1.5 * random.NextDouble();
        var directory = Directory.CreateTempSubdirectory("lab-bench-npy-");
        Console.WriteLine($"kernel files, {n} x {n} float64 ({(double)n * n:G3} entries), {reps} repetitions (median [min, max])");
        try
        {
            foreach (var format in new[] { MatrixFormat.Npy, MatrixFormat.Csv })
            {
                string path = Path.Combine(directory.FullName, MatrixFile.FileName("ntk", format));
                var writes = Times(reps, () => MatrixFile.Write(path, kernel, format));
                long bytes = new FileInfo(path).Length;
                var reads = Times(reps, () =>
                {
                    var back = MatrixFile.Read(path);
                    if (back[n - 1, n - 1] != kernel[n - 1, n - 1]) throw new InvalidOperationException("read back a different kernel");
                });
                File.Delete(path);
                Console.WriteLine($"{MatrixFile.Extension(format)[1..],-4} {bytes / 1e6,8:F0} MB  write {Summary(writes)}  read {Summary(reads)}");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<double> Times(int reps, Action action)
    {
        var seconds = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            GC.Collect();
            var clock = Stopwatch.StartNew();
            action();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        seconds.Sort();
        return seconds;
    }

    private static string Summary(List<double> s) => $"{s[s.Count / 2],6:F2} s [{s[0]:F2}, {s[^1]:F2}]";
}
