using System.Globalization;

namespace LinearizationLab.Reporting;

/// <summary>Text made safe for HTML and XML: the five characters with a meaning in markup written as references.</summary>
internal static class HtmlText
{
    /// <summary><paramref name="text"/> with &amp;, &lt;, &gt;, " and ' escaped (safe in element content and quoted attributes).</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when char.IsControl(c) && c is not '\n' and not '\t' and not '\r' => "\uFFFD",   // not allowed in XML 1.0
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>A number for a table: four significant digits, invariant culture, "–" for null and NaN.</summary>
    public static string Number(double? value) =>
        value is not { } x || double.IsNaN(x) ? "–" : x.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A number with a fixed count of decimals, invariant culture.</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsNaN(value) ? "–" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
