using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;
using LinearizationLab.Reporting;
using LinearizationLab.Runs;
using LinearizationLab.Tests.Experiments;
using SkiaSharp;

namespace LinearizationLab.Tests.Reporting;

/// <summary>A tiny real sweep (widths 16, 32 × seeds 0, 1), run once for the tests that read its report.</summary>
public sealed class SweepReportFixture : IDisposable
{
    public SweepReportFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("lab-report-").FullName;
        var spec = SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(), Path.Combine(Directory, "tiny.json")));
        Result = new WidthSweep(spec, Path.Combine(Directory, "results")).Run();
    }

    public string Directory { get; }

    public string Results => Path.Combine(Directory, "results");

    public WidthSweepResult Result { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// Facts about <see cref="SweepReport"/>: the page of a real sweep is well-formed, holds every slope row, every figure and
/// every run, refers to nothing outside itself, and renders in a browser; text from the folder is escaped; a grid gets a
/// section per point.
/// </summary>
[Collection("TorchSharp")]
public sealed class SweepReportTests(SweepReportFixture sweep) : IClassFixture<SweepReportFixture>, IDisposable
{
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly string _dir = Directory.CreateTempSubdirectory("lab-report-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The page parsed as XML: it must be well-formed.</summary>
    private static XDocument Parse(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
        return XDocument.Load(reader);
    }

    private static XElement Section(XDocument page, string id) =>
        Assert.Single(page.Descendants(Xhtml + "section"), s => (string?)s.Attribute("id") == id);

    private static string[] Cells(XElement row) => [.. row.Elements(Xhtml + "td").Select(c => c.Value)];

    [Fact]
    public void ASweepWithTestAccuraciesGetsTheComparisonTableAndARegressionSweepDoesNot()
    {
        Assert.DoesNotContain(Parse(Path.Combine(sweep.Results, SweepReport.FileName)).Descendants(Xhtml + "section"),
            s => (string?)s.Attribute("id") == "comparison");
        Directory.CreateDirectory(Path.Combine(_dir, "runs"));
        foreach (int seed in new[] { 0, 1 })
            SweepStore.Write(Path.Combine(_dir, "runs", $"w0016-s{seed}.json"), new SweepRunResult
            {
                Width = 16,
                Seed = seed,
                Checkpoints = [new SweepCheckpoint(0, [("network_test_loss", 0.5), ("network_test_accuracy", 0.5 + 0.1 * seed)])],
            });
        var section = Section(Parse(SweepReport.Read(_dir).Write()), "comparison");
        Assert.Equal(["width", "seeds", "network", "network, best step"], section.Descendants(Xhtml + "th").Select(h => h.Value));
        Assert.Equal(["16", "2", "55.0 ± 7.1", "55.0 ± 7.1"], Cells(section.Descendants(Xhtml + "tbody").Single().Elements(Xhtml + "tr").Single()));
    }

    [Fact]
    public void TheSweepWritesAWellFormedPageWithEverySlopeRowFigureAndRun()
    {
        string path = Path.Combine(sweep.Results, SweepReport.FileName);
        Assert.Equal(path, sweep.Result.ReportFile);
        var page = Parse(path);
        var summary = SweepSummary.TryRead(sweep.Results)!;

        // The slope table: one row per fit of summary.json, in its order, with the slope and interval to three decimals.
        var rows = Section(page, "slopes").Descendants(Xhtml + "tbody").Single().Elements(Xhtml + "tr").Select(Cells).ToArray();
        Assert.Equal(summary.Fits.Count, rows.Length);
        Assert.NotEmpty(rows);
        foreach (var (fit, row) in summary.Fits.Zip(rows))
        {
            Assert.Equal(fit.Metric, row[0]);
            Assert.Equal(fit.Slope.ToString("F3", CultureInfo.InvariantCulture), row[1]);
            Assert.Equal($"[{fit.SlopeLow.ToString("F3", CultureInfo.InvariantCulture)}, {fit.SlopeHigh.ToString("F3", CultureInfo.InvariantCulture)}]", row[2]);
        }
        Assert.Contains(rows, r => r[0] == KernelDriftMetric.Name);

        // Every SVG figure the sweep drew is inlined once, and only those.
        int drawn = sweep.Result.FigureFiles.Count(f => f.EndsWith(".svg", StringComparison.Ordinal));
        Assert.Equal(drawn, sweep.Result.FigureCount);
        Assert.Equal(drawn, page.Descendants(Svg + "svg").Count());
        Assert.Equal(drawn, Section(page, "figures").Elements(Xhtml + "figure").Count());

        // The run table: the four runs with their wall times; none diverged.
        var runs = Section(page, "runs").Descendants(Xhtml + "tbody").Single().Elements(Xhtml + "tr").Select(Cells).ToArray();
        Assert.Equal(["16", "0"], runs[0][..2]);
        Assert.Equal(4, runs.Length);
        var onDisk = SweepStore.ReadAll(sweep.Results);
        Assert.Equal(onDisk.Select(r => r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)), runs.Select(r => r[7]));
        Assert.Contains("None", Section(page, "diverged").Value);

        // The config the runs were made with.
        Assert.Contains("\"learning_rate_fraction\": 0.5", Section(page, "config").Value);
    }

    [Fact]
    public void ThePageReferstoNothingOutsideItselfAndItsIdsAreUnique()
    {
        var page = Parse(Path.Combine(sweep.Results, SweepReport.FileName));
        var attributes = page.Descendants().SelectMany(e => e.Attributes()).Where(a => !a.IsNamespaceDeclaration).ToArray();
        // Links stay within the page (#…) and images are data URIs: nothing is fetched, so it opens without a network.
        Assert.All(attributes.Where(a => a.Name.LocalName is "href" or "src"),
            a => Assert.True(a.Value.StartsWith('#') || a.Value.StartsWith("data:", StringComparison.Ordinal), $"{a.Name} = {a.Value[..Math.Min(60, a.Value.Length)]}"));
        Assert.Empty(page.Descendants(Xhtml + "script"));
        Assert.Empty(page.Descendants(Xhtml + "link"));
        Assert.DoesNotContain("url(http", page.ToString(), StringComparison.Ordinal);
        // Figures share the page, so the ids of their clip paths and images must not collide.
        var ids = attributes.Where(a => a.Name.LocalName == "id").Select(a => a.Value).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        var references = attributes.SelectMany(a => System.Text.RegularExpressions.Regex.Matches(a.Value, @"url\(#([^)]+)\)").Select(m => m.Groups[1].Value))
            .Concat(attributes.Where(a => a.Name.LocalName == "href" && a.Value.StartsWith('#')).Select(a => a.Value[1..]));
        Assert.All(references, r => Assert.Contains(r, ids));
    }

    [Fact]
    public void EverythingReadFromTheFolderIsEscaped()
    {
        const string evil = "<script>alert('x')</script> & <b>";
        WriteRuns(_dir, [Run(16, 0, diverged: evil), Run(32, 0), Run(16, 1), Run(32, 1)]);
        File.WriteAllText(Path.Combine(_dir, SweepSpec.ConfigFileName), $$"""{ "name": "</pre>{{evil}}", "widths": [16, 32] }""");

        string path = SweepReport.Read(_dir).Write();
        string text = File.ReadAllText(path);
        var page = Parse(path);   // unescaped markup would not parse

        Assert.DoesNotContain("<script", text, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;", text, StringComparison.Ordinal);
        var diverged = Section(page, "diverged").Descendants(Xhtml + "tbody").Single().Elements(Xhtml + "tr").Select(Cells).Single();
        Assert.Equal(["width 16, seed 0", "network", evil], diverged);
        Assert.StartsWith("Sweep </pre><script>", page.Descendants(Xhtml + "h1").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AGridGetsASectionPerPointWithItsSlopesAndRuns()
    {
        Dictionary<string, string> Point(string fraction) => new() { ["learning_rate_fraction"] = fraction };
        WriteRuns(_dir, [.. new[] { "0.5", "1" }.SelectMany(f => new[] { 16, 32 }.Select(w => Run(w, 0) with { Point = Point(f) }))]);
        SweepSummary.WriteFiles(_dir);

        var report = SweepReport.Read(_dir);
        var page = XDocument.Parse(report.ToHtml());

        var one = Section(page, "point-2");
        Assert.Equal("Grid point learning_rate_fraction=1", one.Element(Xhtml + "h2")!.Value);
        var runs = one.Descendants(Xhtml + "tbody").Single().Elements(Xhtml + "tr").Select(Cells).ToArray();
        Assert.Equal([["16", "0"], ["32", "0"]], runs.Select(r => r[..2]));
        // The slope table has a heading and a table per point, each with that point's fits.
        var headings = Section(page, "slopes").Elements(Xhtml + "h3").Select(h => h.Value).ToArray();
        Assert.Equal(["learning_rate_fraction=0.5", "learning_rate_fraction=1"], headings);
        Assert.Equal(report.Summary.Fits.Count(f => f.Slice == "learning_rate_fraction=1"),
            Section(page, "slopes").Elements(Xhtml + "table").Last().Descendants(Xhtml + "tbody").Single().Elements().Count());
        // The whole run table names each run's point.
        var all = Section(page, "runs").Descendants(Xhtml + "tr").First().Elements(Xhtml + "th").Select(c => c.Value).ToArray();
        Assert.Equal("learning_rate_fraction", all[0]);
    }

    [Fact]
    public void AFolderWithoutRunsIsBadInputNamingRuns()
    {
        var e = Assert.Throws<InvalidInputException>(() => SweepReport.Read(_dir));
        Assert.Equal((_dir, "runs"), (e.File, e.Field));
    }

    [SkippableFact]
    public void HeadlessChromiumRendersThePageWithoutConsoleErrors()
    {
        string browser = Chromium.Locate();   // installs Debian's chromium-headless-shell when absent, or skips saying why
        string screenshot = Path.Combine(_dir, "page.png");
        var (code, output) = Chromium.Screenshot(browser, Path.Combine(sweep.Results, SweepReport.FileName), screenshot, _dir);

        Assert.True(code == 0, output);
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains(":CONSOLE", StringComparison.Ordinal));
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.NotNull(bitmap);
        // Not blank: the page's text, tables and the first figure cover a visible share of the screenshot in several colours.
        int dark = 0;
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 2)
        for (int x = 0; x < bitmap.Width; x += 2)
        {
            var c = bitmap.GetPixel(x, y);
            colours.Add(c);
            if (c.Red + c.Green + c.Blue < 3 * 200) dark++;
        }
        Assert.True(dark > bitmap.Width * bitmap.Height / 4 / 100, $"only {dark} dark pixels of {bitmap.Width * bitmap.Height / 4}");
        Assert.True(colours.Count > 20, $"only {colours.Count} colours");
    }

    private static void WriteRuns(string directory, IEnumerable<SweepRunResult> runs)
    {
        string folder = Directory.CreateDirectory(Path.Combine(directory, "runs")).FullName;
        foreach (var run in runs)
            SweepStore.Write(Path.Combine(folder, $"{run.GridPoint.FilePrefix}w{run.Width:D4}-s{run.Seed}.json"), run);
    }

    /// <summary>A run whose kernel drift is n^−1/2 at step 10; diverged with <paramref name="diverged"/> as its reason when given.</summary>
    private static SweepRunResult Run(int width, long seed, string? diverged = null) => new()
    {
        Width = width,
        Seed = seed,
        LearningRate = 0.5,
        CriticalLearningRate = 1,
        WallSeconds = 0.25 * width,
        Diverged = diverged is not null,
        DivergenceReason = diverged,
        Checkpoints =
        [
            new SweepCheckpoint(0, [(KernelDriftMetric.Name, 0)]),
            new SweepCheckpoint(10, [(KernelDriftMetric.Name, (1 + 0.1 * seed) / Math.Sqrt(width))]),
        ],
    };
}
