using LinearizationLab.Experiments;
using LinearizationLab.Plotting;
using LinearizationLab.Reporting;

namespace LinearizationLab.Runs;

/// <summary>
/// A width sweep from its spec to its figures, the library call behind <c>lab sweep</c>: the shared infinite-width side
/// (<see cref="SweepContext"/>), the runs of one shard not yet on disk (<see cref="SweepRunner"/>, so a killed sweep
/// resumes), the scaling table of every run in the folder (<see cref="SweepSummary"/>, written as summary.json and
/// summary.csv), the ensembles (ensemble.csv), the comparison per width (<see cref="SweepComparison"/>, comparison.csv) and,
/// once the folder has runs, the figures (<see cref="SweepFigures"/>, into plots/) and the HTML page of it all
/// (<see cref="SweepReport"/>, report.html), with a copy of the config (config.json) beside them.
/// </summary>
/// <param name="spec">The sweep.</param>
/// <param name="outputDirectory">Its folder: runs/, sweep.json, config.json, summary.json, summary.csv, ensemble.csv, comparison.csv, plots/,
/// report.html.</param>
public sealed class WidthSweep(SweepSpec spec, string outputDirectory)
{
    /// <summary>The sweep.</summary>
    public SweepSpec Spec { get; } = spec ?? throw new ArgumentNullException(nameof(spec));

    /// <summary>The sweep's folder.</summary>
    public string OutputDirectory { get; } = outputDirectory ?? throw new ArgumentNullException(nameof(outputDirectory));

    /// <summary>
    /// The <see cref="SweepProgress.Phase"/> reported while the analytic kernels are computed, before any run (its
    /// <see cref="SweepProgress.Fraction"/> is the share of kernel entries done; <see cref="SweepProgress.Total"/> is 0).
    /// </summary>
    public const string KernelPhase = "analytic kernels";

    /// <summary>The folder of the figures, plots/ inside <see cref="OutputDirectory"/>.</summary>
    public string PlotsDirectory => Path.Combine(OutputDirectory, "plots");

    /// <summary>The HTML page of the results (<see cref="SweepReport"/>), report.html inside <see cref="OutputDirectory"/>.</summary>
    public string ReportFile => Path.Combine(OutputDirectory, SweepReport.FileName);

    /// <summary>
    /// Computes the analytic kernels, runs every run of <paramref name="shard"/> (all runs when null) not yet on disk,
    /// then writes the config's copy and the summary of all runs in the folder, draws their figures and writes the report (no
    /// figures or report while the folder has no runs).
    /// </summary>
    /// <param name="shard">Which runs this process runs; null for all.</param>
    /// <param name="progress">First <see cref="KernelPhase"/>, then the runs done and the current run's phase, with the
    /// remaining time (see <see cref="SweepRunner.Run"/>).</param>
    /// <param name="cancel">Stops between and inside runs; a run is written only when finished, so nothing partial is left.</param>
    /// <exception cref="InvalidInputException">The folder holds runs of a different config, or a run of the shard would not fit in
    /// the memory this machine has (<see cref="EnsureFits"/>; checked before anything is computed or written).</exception>
    public WidthSweepResult Run(ShardAssignment? shard = null, IProgress<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        var (train, test) = Spec.Setup.Data.LoadFor(Spec.Setup.Arch);
        EnsureFits(shard, train.Count, test.Count);
        var phases = new PhaseTimes();
        var context = phases.Time("analytic_kernels", () =>
            SweepContext.Create(Spec, train, test, progress is null ? null : KernelProgress(progress)));
        cancel.ThrowIfCancellationRequested();
        var (ran, skipped) = phases.Time("runs", () =>
            new SweepRunner(context, OutputDirectory).Run(shard?.Index ?? 0, shard?.Count ?? 1, progress, cancel));
        var result = phases.Time("summary_figures_report", () =>
        {
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, SweepSpec.ConfigFileName), Spec.ToJson());
            var summary = SweepSummary.WriteFiles(OutputDirectory);
            if (summary.Runs == 0) return new WidthSweepResult(ran, skipped, summary, []);
            if (Spec.Ensemble is { } members)
                SweepEnsemble.Write(OutputDirectory, members, Spec.Setup.Loss is Training.SoftmaxCrossEntropy);
            var comparison = SweepComparison.Write(OutputDirectory);
            var figures = SweepFigures.Draw(OutputDirectory, PlotsDirectory);
            var report = SweepReport.Read(OutputDirectory);   // reads the folder's runs: their phases are summed from it
            return new WidthSweepResult(ran, skipped, summary, figures, report.Write(ReportFile))
            {
                Comparison = comparison,
                RunPhases = SweepStore.PhaseTotals(report.RunResults),
            };
        });
        return result with { Phases = phases.Seconds };
    }

    /// <summary>
    /// Refuses the sweep, as bad input naming <c>widths</c>, when one of its shard's runs (each grid point × width) would need
    /// more memory than this machine has (<see cref="RunMemory.SweepRun"/>, <see cref="AvailableMemory"/>).
    /// </summary>
    public void EnsureFits(ShardAssignment? shard, int train, int test)
    {
        var available = AvailableMemory.Current();
        if (available is null) return;
        int points = Spec.Grid.Points.Count(p => !p.IsOrigin) + 1;
        foreach (var (point, width) in Spec.Runs.Where(k => k.InShard(shard?.Index ?? 0, shard?.Count ?? 1)).Select(k => (k.Point, k.Width)).Distinct())
            RunMemory.SweepRun(Spec.At(point), width, train, test, points)
                .EnsureFits(Spec.File, "widths", point.IsOrigin ? $"width {width}" : $"width {width} at {point.Label}", available);
    }

    /// <summary>The kernels' fraction done as <see cref="KernelPhase"/> reports: one at a time and never going back,
    /// though parallel kernel blocks report from several threads.</summary>
    private static ActionProgress<double> KernelProgress(IProgress<SweepProgress> progress)
    {
        var gate = new object();
        double reported = -1;
        return new ActionProgress<double>(f =>
        {
            lock (gate)
            {
                if (f <= reported) return;
                reported = f;
                progress.Report(new SweepProgress(0, 0, 0, 0, KernelPhase, f));
            }
        });
    }
}
