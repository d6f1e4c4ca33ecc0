using LinearizationLab.Experiments;

namespace LinearizationLab.Plotting;

/// <summary>
/// Draws every figure of a sweep's output folder (runs/*.json and, when present, sweep.json and ensemble.csv) into a plots
/// folder, each as PNG and SVG. A figure whose data is absent (no NTK-GP for cross-entropy, no sweep.json,
/// a single width) is skipped: no file is written for it. A sweep over a grid gets heatmaps over its axes
/// (<see cref="GridHeatmapFigure"/>) and, in a folder per grid point, that point's figures.
/// </summary>
public static class SweepFigures
{
    /// <summary>Reads the results in <paramref name="resultsDirectory"/> and draws them; returns the files written.</summary>
    /// <exception cref="InvalidInputException">The folder has no run results (field "runs"); nothing is written.</exception>
    public static IReadOnlyList<string> Draw(string resultsDirectory, string plotsDirectory)
    {
        var runs = SweepStore.ReadAll(resultsDirectory);
        if (runs.Count == 0) throw new InvalidInputException(resultsDirectory, "runs", "no run results found");
        return Draw(runs, SweepInfo.TryRead(resultsDirectory), plotsDirectory, SweepEnsemble.Read(resultsDirectory));
    }

    /// <summary>The number of figures among <paramref name="files"/> written by <see cref="Draw(string, string)"/>: each is one PNG (and one SVG).</summary>
    public static int Count(IEnumerable<string> files) => files.Count(f => f.EndsWith(".png", StringComparison.Ordinal));

    /// <summary>
    /// Draws the figures of <paramref name="runs"/> (and of <paramref name="info"/> and the ensembles' rows <paramref name="ensemble"/>
    /// when not null); returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Draw(IReadOnlyList<SweepRunResult> runs, SweepInfo? info, string plotsDirectory,
        IReadOnlyList<EnsembleCheckpoint>? ensemble = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(plotsDirectory);
        if (runs.Any(r => r.Point is not null))
        {
            // A grid: heatmaps over its axes here, and each point's width-sweep figures in a folder named after the point.
            var files = new List<string>(GridHeatmapFigure.Draw(runs, plotsDirectory));
            files.AddRange(GridHeatmapFigure.LossCurves(runs, plotsDirectory));
            files.AddRange(DepthWidthFigure.Draw(runs, plotsDirectory));
            files.AddRange(LearningRateTransferFigure.Draw(runs, plotsDirectory));
            files.AddRange(WidthComparisonFigure.Draw(SweepComparison.Build(runs, ensemble), plotsDirectory));
            foreach (var point in runs.GroupBy(r => r.GridPoint))
                files.AddRange(Draw([.. point.Select(r => r with { Point = null })], null, Path.Combine(plotsDirectory, point.Key.FilePrefix.TrimEnd('-')),
                    ensemble?.Where(e => e.Point == point.Key.Label).Select(e => e with { Point = "" }).ToArray()));
            return files;
        }
        return
        [
            .. ScalingFigure.Draw(runs, plotsDirectory),
            .. TrainingCurvesFigure.Draw(runs, plotsDirectory),
            .. TrackedOutputsFigure.Draw(runs, plotsDirectory),
            .. LossCurvesFigure.Draw(runs, plotsDirectory),
            .. KernelHeatmapFigure.Draw(runs, info, plotsDirectory),
            .. SpectrumFigure.Draw(runs, info, plotsDirectory),
            .. PredictiveBandsFigure.Draw(runs, info, plotsDirectory),
            .. TaylorOrdersFigure.Draw(runs, plotsDirectory),
            .. WidthComparisonFigure.Draw(SweepComparison.Build(runs, ensemble), plotsDirectory),
        ];
    }
}
