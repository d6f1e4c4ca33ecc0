using System.Globalization;
using System.Text;
using LinearizationLab.Experiments;

namespace LinearizationLab.Reporting;

/// <summary>
/// A sweep's output folder as one self-contained HTML page (report.html, <c>lab report</c>): the config (config.json), the
/// slope table with its 95% intervals (summary.json), the figures inlined as SVG (plots/), a section per grid point when the
/// sweep has a grid (its slopes, figures and runs), the table of runs with their wall times (runs/*.json) and the runs that
/// diverged. The page needs no network: its style is inline and its figures are part of it. Everything read from the folder
/// is HTML-escaped, and the page is well-formed XML as well as HTML.
/// </summary>
public sealed class SweepReport
{
    /// <summary>The page's file name in a sweep's output folder.</summary>
    public const string FileName = "report.html";

    private const string Style = """
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1c1c1c; background: #fff;
               max-width: 1120px; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.3rem; border-bottom: 1px solid #d8d8d8; padding-bottom: .2rem; margin-top: 2.2rem; }
        h3 { font-size: 1.1rem; margin-top: 1.6rem; }
        .facts { color: #444; margin: .2rem 0 1rem; }
        .note { color: #555; font-style: italic; }
        nav ul { columns: 2; padding-left: 1.2rem; }
        table { border-collapse: collapse; font-size: .9rem; margin: .6rem 0 1rem; }
        th, td { padding: .28rem .65rem; border-bottom: 1px solid #e6e6e6; text-align: right; white-space: nowrap; }
        th.text, td.text { text-align: left; }
        thead th { background: #f3f3f3; border-bottom: 1px solid #cfcfcf; }
        td.metric { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: .85rem; }
        tr.diverged td { color: #a40000; }
        summary { cursor: pointer; color: #333; }
        pre { background: #f6f6f6; border: 1px solid #e4e4e4; padding: .8rem; overflow-x: auto; font-size: .82rem; }
        figure { margin: 1.2rem 0; }
        figure svg { display: block; width: 100%; height: auto; border: 1px solid #ececec; }
        figure svg image, figure svg use { image-rendering: pixelated; }
        figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
        """;

    private SweepReport(string resultsDirectory, string name, IReadOnlyList<SweepRunResult> runs, SweepSummary summary,
        bool summaryFromFile, SweepInfo? info, string? config)
    {
        ResultsDirectory = resultsDirectory;
        Name = name;
        RunResults = runs;
        Summary = summary;
        SummaryFromFile = summaryFromFile;
        Info = info;
        Config = config;
    }

    /// <summary>The sweep's output folder.</summary>
    public string ResultsDirectory { get; }

    /// <summary>The sweep's name (config.json's <c>name</c>, else sweep.json's, else the folder's).</summary>
    public string Name { get; }

    /// <summary>Every run in the folder, in sweep order.</summary>
    public IReadOnlyList<SweepRunResult> RunResults { get; }

    /// <summary>
    /// The comparison per width (<see cref="SweepComparison"/>, with the folder's ensemble.csv) when its predictors can be told
    /// apart by test accuracy or the sweep has an ensemble; otherwise empty and the report has no such section.
    /// </summary>
    public IReadOnlyList<WidthComparison> Comparison { get; private init; } = [];

    /// <summary>The slope table: summary.json, or fitted from the runs when the folder has none.</summary>
    public SweepSummary Summary { get; }

    /// <summary>Whether <see cref="Summary"/> was read from summary.json.</summary>
    public bool SummaryFromFile { get; }

    /// <summary>sweep.json (the infinite-width side), or null for a grid or a folder without it.</summary>
    public SweepInfo? Info { get; }

    /// <summary>The text of config.json (the config the runs were made with), or null when the folder has none.</summary>
    public string? Config { get; }

    /// <summary>The folder of the figures, plots/ inside <see cref="ResultsDirectory"/>.</summary>
    public string PlotsDirectory => Path.Combine(ResultsDirectory, "plots");

    /// <summary>Reads a sweep's output folder.</summary>
    /// <exception cref="InvalidInputException">The folder has no run results (field "runs").</exception>
    public static SweepReport Read(string resultsDirectory)
    {
        ArgumentNullException.ThrowIfNull(resultsDirectory);
        if (!Directory.Exists(resultsDirectory))
            throw new InvalidInputException(resultsDirectory, "(folder)", "not found");
        var runs = SweepStore.ReadAll(resultsDirectory);
        if (runs.Count == 0)
            throw new InvalidInputException(resultsDirectory, "runs", "no run results found (not the output folder of lab sweep)");
        var summary = SweepSummary.TryRead(resultsDirectory);
        var info = SweepInfo.TryRead(resultsDirectory);
        string configPath = Path.Combine(resultsDirectory, SweepSpec.ConfigFileName);
        string? config = File.Exists(configPath) ? File.ReadAllText(configPath) : null;
        string name = ConfigName(config) ?? (info is { Name.Length: > 0 } ? info.Name
            : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(resultsDirectory))));
        var comparison = SweepComparison.Build(runs, SweepEnsemble.Read(resultsDirectory));
        return new SweepReport(resultsDirectory, name, runs, summary ?? SweepSummary.Build(runs), summary is not null, info, config)
        {
            Comparison = SweepComparison.WorthShowing(comparison) ? comparison : [],
        };
    }

    /// <summary>The SVG figures the page shows, in page order: those of the whole sweep, then each grid point's.</summary>
    public IReadOnlyList<string> FigureFiles =>
        [.. Figures(PlotsDirectory), .. Points.SelectMany(p => Figures(Path.Combine(PlotsDirectory, p.Key.FilePrefix.TrimEnd('-'))))];

    /// <summary>Writes the page atomically to <paramref name="path"/> (default: report.html in the folder); returns the path.</summary>
    public string Write(string? path = null)
    {
        path ??= Path.Combine(ResultsDirectory, FileName);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(path, ToHtml());
        return path;
    }

    /// <summary>The page.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        int figure = 0;
        string title = $"Sweep {Name}";
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(title)} — LinearizationLab</title>\n<style>\n{Style}</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(title)}</h1>\n<p class=\"facts\">{E(Facts())}</p>\n");

        var points = Points;
        html.Append("<nav><ul>\n<li><a href=\"#config\">Config</a></li>\n<li><a href=\"#slopes\">Scaling with width</a></li>\n");
        if (Comparison.Count > 0) html.Append("<li><a href=\"#comparison\">Finite versus infinite</a></li>\n");
        html.Append("<li><a href=\"#figures\">Figures</a></li>\n");
        for (int i = 0; i < points.Count; i++)
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#point-{i + 1}\">{E(points[i].Key.Label)}</a></li>\n");
        html.Append("<li><a href=\"#runs\">Runs</a></li>\n<li><a href=\"#diverged\">Diverged runs</a></li>\n</ul></nav>\n");

        html.Append("<section id=\"config\">\n<h2>Config</h2>\n");
        html.Append(Config is null
            ? $"<p class=\"note\">This folder has no {SweepSpec.ConfigFileName} (lab sweep writes it when its runs are done).</p>\n"
            : $"<details><summary>{SweepSpec.ConfigFileName}: the config the runs were made with</summary>\n<pre>{E(Config.TrimEnd())}</pre>\n</details>\n");
        html.Append("</section>\n");

        html.Append("<section id=\"slopes\">\n<h2>Scaling with width</h2>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Each metric at step {Summary.Step} fitted as A·n^α against the width n (least squares on the log of the mean over seeds), " +
            $"with a 95% bootstrap interval for α over seeds; {Summary.Runs} runs, {Summary.Diverged} diverged and left out.</p>\n");
        if (!SummaryFromFile)
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The folder has no readable {SweepSummary.FileName}: the table was fitted from runs/ now.</p>\n");
        if (points.Count == 0) AppendSlopeTable(html, Summary.Fits);
        else
            for (int i = 0; i < points.Count; i++)
            {
                html.Append(CultureInfo.InvariantCulture, $"<h3><a href=\"#point-{i + 1}\">{E(points[i].Key.Label)}</a></h3>\n");
                AppendSlopeTable(html, Summary.Fits.Where(f => f.Slice == points[i].Key.Label).ToArray());
            }
        html.Append("</section>\n");

        if (Comparison.Count > 0)
        {
            var (header, rows) = SweepComparison.Table(Comparison);
            html.Append("<section id=\"comparison\">\n<h2>Finite versus infinite</h2>\n");
            html.Append("<p>").Append(E(SweepComparison.TableQuantity(Comparison)))
                .Append(" at the last checkpoint, mean ± s.d. over seeds (").Append(SweepComparison.FileName)
                .Append(", which also holds the best checkpoint of each predictor and the losses).</p>\n<table class=\"comparison\">\n<thead><tr>");
            foreach (var (h, i) in header.Select((h, i) => (h, i)))
                html.Append(CultureInfo.InvariantCulture, $"<th{(i == 0 && h == "grid point" ? " class=\"text\"" : "")}>{E(h)}</th>");
            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in rows)
            {
                html.Append("<tr>");
                foreach (var (c, i) in row.Select((c, i) => (c, i)))
                    html.Append(CultureInfo.InvariantCulture, $"<td{(i == 0 && header[0] == "grid point" ? " class=\"text\"" : "")}>{E(c)}</td>");
                html.Append("</tr>\n");
            }
            html.Append("</tbody>\n</table>\n</section>\n");
        }

        html.Append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        AppendFigures(html, PlotsDirectory, "", ref figure);
        html.Append("</section>\n");

        for (int i = 0; i < points.Count; i++)
        {
            var (point, runs) = (points[i].Key, points[i].ToArray());
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"point-{i + 1}\">\n<h2>Grid point {E(point.Label)}</h2>\n");
            html.Append(CultureInfo.InvariantCulture, $"<p>{runs.Length} runs; its slopes are under <a href=\"#slopes\">Scaling with width</a>.</p>\n");
            AppendFigures(html, Path.Combine(PlotsDirectory, point.FilePrefix.TrimEnd('-')), point.Label + ": ", ref figure);
            html.Append("<h3>Runs</h3>\n");
            AppendRunTable(html, runs, withAxes: false);
            html.Append("</section>\n");
        }

        html.Append("<section id=\"runs\">\n<h2>Runs</h2>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>{RunResults.Count} runs, {Fixed(RunResults.Sum(r => r.WallSeconds) / 60, 1)} min of wall time in all (runs/*.json).</p>\n");
        AppendRunTable(html, RunResults, withAxes: points.Count > 0);
        html.Append("</section>\n");

        html.Append("<section id=\"diverged\">\n<h2>Diverged runs</h2>\n");
        var diverged = RunResults.Where(r => r.Diverged || r.LinearizedDiverged).ToArray();
        if (diverged.Length == 0) html.Append("<p>None: every network and every linearization stayed finite.</p>\n");
        else
        {
            html.Append("<table>\n<thead><tr><th class=\"text\">run</th><th class=\"text\">what diverged</th><th class=\"text\">reason</th></tr></thead>\n<tbody>\n");
            foreach (var r in diverged)
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"diverged\"><td class=\"text\">{E(RunLabel(r))}</td><td class=\"text\">{(r.Diverged ? "network" : "linearization")}</td>" +
                    $"<td class=\"text\">{E(r.DivergenceReason ?? (r.Diverged ? "" : "η above the linearization's η_crit"))}</td></tr>\n");
            html.Append("</tbody>\n</table>\n");
        }
        html.Append("</section>\n");

        html.Append(CultureInfo.InvariantCulture,
            $"<footer><p class=\"note\">Written by lab report from {E(Path.GetFullPath(ResultsDirectory))}; " +
            $"regenerate it with <code>lab report --results {E(ResultsDirectory)}</code>.</p></footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The runs grouped by grid point, in sweep order; empty for a plain width sweep.</summary>
    private IReadOnlyList<IGrouping<GridPoint, SweepRunResult>> Points =>
        RunResults.Any(r => r.Point is not null) ? [.. RunResults.GroupBy(r => r.GridPoint)] : [];

    private string Facts()
    {
        var facts = new List<string>
        {
            $"{RunResults.Count} runs ({RunResults.Count(r => r.Diverged)} diverged)",
            "widths " + string.Join(", ", RunResults.Select(r => r.Width).Distinct().Order()),
            "seeds " + string.Join(", ", RunResults.Select(r => r.Seed).Distinct().Order()),
        };
        if (Info is not null)
        {
            facts.Add($"data {Info.DataSource}");
            facts.Add($"loss {Info.Loss}");
            facts.Add($"{Info.Steps} steps");
        }
        facts.Add($"wall time {Fixed(RunResults.Sum(r => r.WallSeconds) / 60, 1)} min");
        return string.Join(" · ", facts);
    }

    private static void AppendSlopeTable(StringBuilder html, IReadOnlyList<ScalingFit> fits)
    {
        if (fits.Count == 0)
        {
            html.Append("<p class=\"note\">No fits: a fit needs two widths with finite, positive values.</p>\n");
            return;
        }
        html.Append("<table class=\"slopes\">\n<thead><tr><th class=\"text\">metric</th><th>slope α</th><th>95% interval</th><th>A</th>" +
                    "<th>widths</th><th>runs</th></tr></thead>\n<tbody>\n");
        foreach (var f in fits)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=\"text metric\">{E(f.Metric)}</td><td>{Fixed(f.Slope, 3)}</td><td>[{Fixed(f.SlopeLow, 3)}, {Fixed(f.SlopeHigh, 3)}]</td>" +
                $"<td>{HtmlText.Number(f.Prefactor)}</td><td>{f.WidthCount}</td><td>{f.SampleCount}</td></tr>\n");
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendFigures(StringBuilder html, string directory, string captionPrefix, ref int figure)
    {
        var files = Figures(directory);
        if (files.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p class=\"note\">No SVG figures in {E(directory)} (lab plot draws them).</p>\n");
            return;
        }
        foreach (string file in files)
        {
            figure++;
            string caption = captionPrefix + Path.GetFileNameWithoutExtension(file);
            var svg = InlineSvg.Read(file, $"f{figure}-", caption);
            string width = svg?.Width is { } w ? $" style=\"max-width: {w.ToString(CultureInfo.InvariantCulture)}px\"" : "";
            html.Append(CultureInfo.InvariantCulture, $"<figure id=\"figure-{figure}\"{width}>\n");
            html.Append(svg is { } inline ? inline.Markup : $"<p class=\"note\">{E(file)} is not readable SVG.</p>");
            html.Append(CultureInfo.InvariantCulture, $"\n<figcaption>Figure {figure}: {E(caption)}</figcaption>\n</figure>\n");
        }
    }

    private static void AppendRunTable(StringBuilder html, IReadOnlyList<SweepRunResult> runs, bool withAxes)
    {
        string[] axes = withAxes ? [.. SweepGrid.AxisNames.Where(a => runs.Any(r => r.Point?.ContainsKey(a) == true))] : [];
        html.Append("<table class=\"runs\">\n<thead><tr>");
        foreach (string axis in axes) html.Append(CultureInfo.InvariantCulture, $"<th>{E(axis)}</th>");
        html.Append("<th>width</th><th>seed</th><th>parameters</th><th>η</th><th>η/η_crit</th><th>NTK init distance</th>" +
                    "<th>last step</th><th>wall time (s)</th><th class=\"text\">status</th></tr></thead>\n<tbody>\n");
        foreach (var r in runs)
        {
            bool bad = r.Diverged || r.LinearizedDiverged;
            html.Append(bad ? "<tr class=\"diverged\">" : "<tr>");
            foreach (string axis in axes) html.Append(CultureInfo.InvariantCulture, $"<td>{E(r.Point?.GetValueOrDefault(axis))}</td>");
            double fraction = r.CriticalLearningRate > 0 ? r.LearningRate / r.CriticalLearningRate : double.NaN;
            string status = r.Diverged ? "network diverged" : r.LinearizedDiverged ? "linearization diverged" : "ok";
            html.Append(CultureInfo.InvariantCulture,
                $"<td>{r.Width}</td><td>{r.Seed}</td><td>{r.ParameterCount}</td><td>{HtmlText.Number(r.LearningRate)}</td>" +
                $"<td>{HtmlText.Number(fraction)}</td><td>{HtmlText.Number(r.NtkInitDistance)}</td>" +
                $"<td>{(r.Checkpoints.Count > 0 ? r.Checkpoints[^1].Step.ToString(CultureInfo.InvariantCulture) : "–")}</td>" +
                $"<td>{Fixed(r.WallSeconds, 1)}</td><td class=\"text\">{status}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>The SVG files of one folder (not its subfolders): scaling.svg first, then by name.</summary>
    private static IReadOnlyList<string> Figures(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory, "*.svg").OrderBy(f => Path.GetFileName(f) == "scaling.svg" ? 0 : 1).ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal)]
            : [];

    private static string RunLabel(SweepRunResult r) =>
        (r.GridPoint.IsOrigin ? "" : r.GridPoint.Label + ", ") + $"width {r.Width}, seed {r.Seed}";

    private static string? ConfigName(string? config)
    {
        if (config is null) return null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(config);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == System.Text.Json.JsonValueKind.String
                ? name.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string E(string? text) => HtmlText.Escape(text);

    private static string Fixed(double value, int decimals) => HtmlText.Fixed(value, decimals);
}
