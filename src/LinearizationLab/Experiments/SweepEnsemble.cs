using System.Globalization;
using System.Text;
using LinearizationLab.Data;

namespace LinearizationLab.Experiments;

/// <summary>
/// Ensembles of a sweep (Lee et al. 2020, §3: ensembling independently initialized networks moves them toward the NTK-GP mean):
/// each run of a sweep with <c>ensemble</c> keeps its network's test outputs at every checkpoint in runs/NAME.test.npz beside
/// its JSON — arrays <c>steps</c> [C, 1], <c>network</c> [C, M·O], <c>ntkgp</c> [C, M·O] (the NTK-GP mean at the run's times,
/// where it has one), <c>targets</c> [M, O] — which costs 8·C·M·O bytes per array and run (10 checkpoints of 10,000 MNIST test
/// images with 10 outputs: 8 MB). After the runs, the first K seeds of each width that finished are averaged from these files
/// alone, so a sharded sweep gives the same numbers; the result is ensemble.csv.
/// </summary>
public static class SweepEnsemble
{
    /// <summary>The table's file name in the sweep's folder.</summary>
    public const string FileName = "ensemble.csv";

    /// <summary>The outputs file beside a run's JSON file.</summary>
    public static string OutputsPath(string runPath) => Path.ChangeExtension(runPath, null) + ".test.npz";

    /// <summary>Equal-length rows as a matrix.</summary>
    public static double[,] Rows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = rows.Count == 0 ? 0 : rows[0].Length;
        var m = new double[rows.Count, width];
        for (int i = 0; i < rows.Count; i++)
        for (int j = 0; j < width; j++) m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>Writes <paramref name="result"/>'s test outputs beside <paramref name="runPath"/> (atomically).</summary>
    public static void WriteOutputs(string runPath, SweepRunResult result, double[] targets, int outputs)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(targets);
        var network = result.TestOutputs ?? throw new ArgumentException("the run kept no test outputs", nameof(result));
        var arrays = new List<(string, double[,])>
        {
            ("steps", Rows([.. result.Checkpoints.Select(c => new[] { (double)c.Step })])),
            ("network", network),
            ("targets", Rows([.. Enumerable.Range(0, targets.Length / outputs).Select(i => targets.AsSpan(i * outputs, outputs).ToArray())])),
        };
        if (result.NtkGpTestOutputs is { } gp) arrays.Add(("ntkgp", gp));
        NpzFile.Write(OutputsPath(runPath), arrays);
    }

    /// <summary>
    /// The ensembles of the runs in <paramref name="directory"/> with <paramref name="members"/> members each (fewer where fewer
    /// seeds finished), written to <see cref="FileName"/>; <paramref name="crossEntropy"/> picks the loss of f̄ (else ½·mean MSE).
    /// </summary>
    public static IReadOnlyList<EnsembleCheckpoint> Write(string directory, int members, bool crossEntropy)
    {
        var rows = Evaluate(directory, members, crossEntropy);
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), Csv(rows));
        return rows;
    }

    /// <summary>The rows of <paramref name="directory"/>'s ensemble.csv, or null when it has none (or an unreadable one).</summary>
    public static IReadOnlyList<EnsembleCheckpoint>? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        static double? V(string s) => s.Length == 0 ? null : double.Parse(s, CultureInfo.InvariantCulture);
        var rows = new List<EnsembleCheckpoint>();
        foreach (string line in File.ReadLines(path).Skip(1).Where(l => l.Length > 0))
        {
            // The point is quoted (its label holds commas) and is the first field; the rest are numbers.
            int close = line.IndexOf("\",", StringComparison.Ordinal);
            if (!line.StartsWith('"') || close < 0) return null;
            var f = line[(close + 2)..].Split(',');
            if (f.Length != 8 || !int.TryParse(f[0], CultureInfo.InvariantCulture, out int width)) return null;
            try
            {
                rows.Add(new EnsembleCheckpoint(line[1..close], width, int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture),
                    V(f[3]) ?? double.NaN, V(f[4]), V(f[5]), V(f[6]) ?? double.NaN, V(f[7])));
            }
            catch (FormatException) { return null; }
        }
        return rows;
    }

    /// <summary>The ensembles without writing them.</summary>
    public static IReadOnlyList<EnsembleCheckpoint> Evaluate(string directory, int members, bool crossEntropy)
    {
        var rows = new List<EnsembleCheckpoint>();
        foreach (var group in SweepStore.ReadAll(directory).Where(r => !r.Diverged).GroupBy(r => (r.GridPoint.Label, r.Width)))
        {
            var files = group.OrderBy(r => r.Seed).Select(r => OutputsPath(Path.Combine(directory, "runs", new SweepRunKey(0, r.Width, r.Seed) { Point = r.GridPoint }.FileName)))
                .Where(File.Exists).Take(members).ToArray();
            if (files.Length == 0) continue;
            var outputs = files.Select(f => NpzFile.Read(f, "network")).ToArray();
            var gp = files.All(f => NpzFile.ArrayNames(f).Contains("ntkgp")) ? files.Select(f => NpzFile.Read(f, "ntkgp")).ToArray() : null;
            var targets = NpzFile.Read(files[0], "targets");
            var steps = NpzFile.Read(files[0], "steps");
            for (int c = 0; c < steps.GetLength(0); c++)
            {
                var row = Checkpoint(outputs, gp, targets, c, crossEntropy);
                rows.Add(row with { Point = group.Key.Label, Width = group.Key.Width, Step = (int)steps[c, 0] });
            }
        }
        return rows;
    }

    /// <summary>
    /// Checkpoint <paramref name="c"/> of members' outputs [C, M·O] against targets [M, O]: f̄'s loss, accuracy and distance to
    /// the mean of the members' NTK-GP means, and the members' mean loss and accuracy.
    /// </summary>
    public static EnsembleCheckpoint Checkpoint(IReadOnlyList<double[,]> outputs, IReadOnlyList<double[,]>? ntkGp, double[,] targets, int c, bool crossEntropy)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        int m = targets.GetLength(0), o = targets.GetLength(1), k = outputs.Count;
        double[] Mean(IReadOnlyList<double[,]> set) =>
            Enumerable.Range(0, m * o).Select(e => set.Average(x => x[c, e])).ToArray();
        double[] Row(double[,] x) => Enumerable.Range(0, m * o).Select(e => x[c, e]).ToArray();
        var mean = Mean(outputs);
        double? gpRmse = ntkGp is null ? null : MatrixDistance.Rmse(mean, Mean(ntkGp));
        return new EnsembleCheckpoint("", 0, 0, k, Loss(mean, targets, crossEntropy), Accuracy(mean, targets), gpRmse,
            outputs.Average(x => Loss(Row(x), targets, crossEntropy)),
            o >= 2 ? outputs.Average(x => Accuracy(Row(x), targets)!.Value) : null);
    }

    /// <summary>½·mean over examples of ‖f − y‖², or the mean softmax cross-entropy with y's argmax as the class.</summary>
    private static double Loss(double[] f, double[,] y, bool crossEntropy)
    {
        int m = y.GetLength(0), o = y.GetLength(1);
        double sum = 0;
        for (int i = 0; i < m; i++)
        {
            if (!crossEntropy)
            {
                for (int j = 0; j < o; j++) sum += 0.5 * (f[i * o + j] - y[i, j]) * (f[i * o + j] - y[i, j]);
                continue;
            }
            double max = Enumerable.Range(0, o).Max(j => f[i * o + j]);
            double log = max + Math.Log(Enumerable.Range(0, o).Sum(j => Math.Exp(f[i * o + j] - max)));
            sum += log - f[i * o + ArgMax(y, i)];
        }
        return sum / m;
    }

    private static double? Accuracy(double[] f, double[,] y)
    {
        int m = y.GetLength(0), o = y.GetLength(1);
        if (o < 2) return null;
        int right = 0;
        for (int i = 0; i < m; i++)
        {
            int best = 0;
            for (int j = 1; j < o; j++) if (f[i * o + j] > f[i * o + best]) best = j;
            if (best == ArgMax(y, i)) right++;
        }
        return (double)right / m;
    }

    private static int ArgMax(double[,] y, int i)
    {
        int best = 0;
        for (int j = 1; j < y.GetLength(1); j++) if (y[i, j] > y[i, best]) best = j;
        return best;
    }

    private static string Csv(IReadOnlyList<EnsembleCheckpoint> rows)
    {
        static string V(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder("point,width,step,members,ensemble_test_loss,ensemble_test_accuracy,ensemble_ntkgp_rmse,member_test_loss,member_test_accuracy\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"\"{r.Point}\",{r.Width},{r.Step},{r.Members},{V(r.TestLoss)},{V(r.TestAccuracy)},{V(r.NtkGpRmse)},{V(r.MemberTestLoss)},{V(r.MemberTestAccuracy)}\n");
        return sb.ToString();
    }
}
