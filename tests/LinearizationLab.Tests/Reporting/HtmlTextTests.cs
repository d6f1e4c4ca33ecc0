using LinearizationLab.Reporting;

namespace LinearizationLab.Tests.Reporting;

public sealed class HtmlTextTests
{
    [Fact]
    public void TheFiveMarkupCharactersAreEscapedAndTheRestKept()
    {
        Assert.Equal("&lt;a href=&quot;x&quot;&gt;Θ̂ &amp; &#39;η&#39;&lt;/a&gt;", HtmlText.Escape("<a href=\"x\">Θ̂ & 'η'</a>"));
        Assert.Equal("", HtmlText.Escape(null));
        // XML 1.0 allows no control characters but tab and newlines, so a stray one cannot break the page.
        Assert.Equal("a\uFFFDb\n", HtmlText.Escape("a\u0001b\n"));
    }

    [Fact]
    public void NumbersAreInvariantWithADashForMissing()
    {
        Assert.Equal("0.001235", HtmlText.Number(0.00123456));
        Assert.Equal("–", HtmlText.Number(null));
        Assert.Equal("–", HtmlText.Number(double.NaN));
        Assert.Equal("-0.740", HtmlText.Fixed(-0.7403, 3));
    }
}
