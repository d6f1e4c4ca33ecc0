using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace LinearizationLab.Reporting;

/// <summary>
/// A figure's SVG file made fit to sit inside an HTML page beside other figures: its ids (clip paths, embedded images)
/// prefixed so that no two figures share one, a viewBox so that it scales with the page, and a title for screen readers.
/// </summary>
internal static partial class InlineSvg
{
    /// <summary>
    /// The <c>svg</c> element of <paramref name="path"/> as markup (no XML declaration), its ids prefixed with
    /// <paramref name="idPrefix"/>, and its width in pixels (null when it states none); null when the file is not readable SVG.
    /// </summary>
    public static (string Markup, double? Width)? Read(string path, string idPrefix, string title)
    {
        XElement svg;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            svg = XElement.Load(reader);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (svg.Name.LocalName != "svg") return null;

        var ids = svg.DescendantsAndSelf().Select(e => e.Attribute("id")).OfType<XAttribute>().ToDictionary(a => a.Value, a => idPrefix + a.Value);
        foreach (var element in svg.DescendantsAndSelf())
        foreach (var attribute in element.Attributes())
        {
            if (attribute.Name.LocalName == "id" && ids.TryGetValue(attribute.Value, out string? id)) attribute.Value = id;
            else if (attribute.Name.LocalName == "href" && attribute.Value.StartsWith('#') && ids.TryGetValue(attribute.Value[1..], out string? target))
                attribute.Value = "#" + target;
            else if (attribute.Value.Contains("url(#", StringComparison.Ordinal))
                attribute.Value = UrlReference().Replace(attribute.Value, m => ids.TryGetValue(m.Groups[1].Value, out string? to) ? $"url(#{to})" : m.Value);
        }

        string? width = Length(svg.Attribute("width"));
        if (svg.Attribute("viewBox") is null && width is not null && Length(svg.Attribute("height")) is { } height)
            svg.SetAttributeValue("viewBox", $"0 0 {width} {height}");
        svg.SetAttributeValue("width", null);
        svg.SetAttributeValue("height", null);
        svg.SetAttributeValue("role", "img");
        svg.AddFirst(new XElement(svg.Name.Namespace + "title", title));
        return (svg.ToString(SaveOptions.DisableFormatting),
            width is null ? null : double.Parse(width, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The number in a width or height attribute (plain or in px), or null.</summary>
    private static string? Length(XAttribute? attribute)
    {
        if (attribute is null) return null;
        string value = attribute.Value.Trim();
        if (value.EndsWith("px", StringComparison.Ordinal)) value = value[..^2];
        return double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x) && x > 0
            ? value : null;
    }

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlReference();
}
