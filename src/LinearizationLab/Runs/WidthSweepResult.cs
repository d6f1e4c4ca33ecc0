using LinearizationLab.Experiments;
using LinearizationLab.Plotting;

namespace LinearizationLab.Runs;

/// <summary>What one <see cref="WidthSweep.Run"/> did.</summary>
/// <param name="Ran">Runs run now.</param>
/// <param name="Skipped">Runs of the shard found already done on disk and kept.</param>
/// <param name="Summary">The scaling table of every run in the folder (also written as summary.json and summary.csv).</param>
/// <param name="FigureFiles">The figure files written (PNG and SVG of each); empty while the folder has no runs.</param>
/// <param name="ReportFile">The HTML report written (report.html); null while the folder has no runs.</param>
public sealed record WidthSweepResult(int Ran, int Skipped, SweepSummary Summary, IReadOnlyList<string> FigureFiles, string? ReportFile = null)
{
    /// <summary>The number of figures drawn (each is one PNG and one SVG file).</summary>
    public int FigureCount => SweepFigures.Count(FigureFiles);

    /// <summary>The rows of comparison.csv (<see cref="Experiments.SweepComparison"/>); empty without runs.</summary>
    public IReadOnlyList<Experiments.WidthComparison> Comparison { get; init; } = [];

    /// <summary>This process's wall time: analytic_kernels, runs, summary_figures_report (see <see cref="PhaseTimes"/>).</summary>
    public IReadOnlyDictionary<string, double> Phases { get; init; } = new Dictionary<string, double>();

    /// <summary>The phases of every run in the folder summed, largest first (<see cref="Experiments.SweepStore.PhaseTotals"/>); null when no run recorded them.</summary>
    public IReadOnlyList<(string Phase, double Seconds)>? RunPhases { get; init; }
}
