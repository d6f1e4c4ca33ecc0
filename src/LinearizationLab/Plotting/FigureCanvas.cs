using System.Runtime.InteropServices;
using LinearizationLab.Experiments;
using ScottPlot;
using SkiaSharp;

namespace LinearizationLab.Plotting;

/// <summary>
/// Shared look and output of the figures: DejaVu Sans (registered from its file, since ScottPlot's default
/// resolves to a serif face on Linux; the default is kept when the file is missing), and every figure saved
/// as NAME.png and NAME.svg, each written atomically (several sweep processes may draw into one shared folder).
/// </summary>
internal static class FigureCanvas
{
    /// <summary>Where fonts-dejavu-core installs the face.</summary>
    internal const string DejaVuSansPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private const string FontName = "DejaVu Sans";
    private static readonly Lock Gate = new();
    private static string? _font;

    /// <summary>The font family of every text, registered once; null when DejaVu Sans is unavailable.</summary>
    internal static string? Font
    {
        get
        {
            lock (Gate)
            {
                if (_font is not null) return _font.Length == 0 ? null : _font;
                _font = "";
                try
                {
                    if (File.Exists(DejaVuSansPath))
                    {
                        Fonts.AddFontFile(FontName, DejaVuSansPath, bold: false, italic: false);
                        string bold = Path.Combine(Path.GetDirectoryName(DejaVuSansPath)!, "DejaVuSans-Bold.ttf");
                        Fonts.AddFontFile(FontName, File.Exists(bold) ? bold : DejaVuSansPath, bold: true, italic: false);
                        _font = FontName;
                    }
                }
                catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NullReferenceException)
                {
                    _font = "";   // an unreadable font file: keep ScottPlot's default face
                }
                return _font.Length == 0 ? null : _font;
            }
        }
    }

    /// <summary>A plot with a title, axis labels and the shared font.</summary>
    internal static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 17);
        plot.XLabel(xLabel, size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 12;
        if (Font is { } font) plot.Font.Set(font);
        return plot;
    }

    /// <summary>Writes DIR/NAME.png and DIR/NAME.svg; returns both paths.</summary>
    internal static IReadOnlyList<string> Save(Plot plot, string directory, string name, int width, int height)
    {
        Directory.CreateDirectory(directory);
        string png = Path.Combine(directory, name + ".png"), svg = Path.Combine(directory, name + ".svg");
        AtomicFile.WriteAllBytes(png, plot.GetImageBytes(width, height, ImageFormat.Png));
        WithoutNativeStderr(() => AtomicFile.WriteAllText(svg, plot.GetSvgXml(width, height)));
        return [png, svg];
    }

    /// <summary>Writes a grid of plots (row-major, <paramref name="columns"/> per row) as one PNG and one SVG.</summary>
    internal static IReadOnlyList<string> SaveGrid(IReadOnlyList<Plot> plots, int columns, string directory, string name, int width, int height)
    {
        Directory.CreateDirectory(directory);
        int rows = (plots.Count + columns - 1) / columns;
        var multiplot = new Multiplot(plots[0]);   // the constructor holds its first plot
        foreach (var p in plots.Skip(1)) multiplot.AddPlot(p);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        string png = Path.Combine(directory, name + ".png"), svg = Path.Combine(directory, name + ".svg");
        var rect = new PixelRect(0, width, height, 0);
        using (var surface = SKSurface.Create(new SKImageInfo(width, height)))
        {
            surface.Canvas.Clear(SKColors.White);
            multiplot.Render(surface.Canvas, rect);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            AtomicFile.WriteAllBytes(png, data.ToArray());
        }
        WithoutNativeStderr(() => AtomicFile.Write(svg, file =>
        {
            using var stream = new SKManagedWStream(file);
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
                multiplot.Render(canvas, rect);   // the SVG canvas writes its closing tags when disposed
        }));
        return [png, svg];
    }

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int Dup2(int fd, int target);

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    /// <summary>
    /// Runs <paramref name="write"/> with the process's native stderr sent to /dev/null: Skia's SVG canvas prints
    /// "Unsupported path effect in addPaint." for every dashed line (the SVG gets a solid line), once per line per figure.
    /// </summary>
    private static void WithoutNativeStderr(Action write)
    {
        if (!OperatingSystem.IsLinux())
        {
            write();
            return;
        }
        int saved = Dup(2), devNull = Open("/dev/null", 1 /* O_WRONLY */);
        if (saved < 0 || devNull < 0 || Dup2(devNull, 2) < 0)
        {
            if (saved >= 0) Close(saved);
            if (devNull >= 0) Close(devNull);
            write();
            return;
        }
        try { write(); }
        finally
        {
            Dup2(saved, 2);
            Close(saved);
            Close(devNull);
        }
    }

    /// <summary>A color for item <paramref name="index"/> of <paramref name="count"/> ordered ones (e.g. widths), dark to light.</summary>
    internal static Color Ordered(int index, int count) =>
        new ScottPlot.Colormaps.Viridis().GetColor(count <= 1 ? 0 : 0.85 * index / (count - 1));
}
