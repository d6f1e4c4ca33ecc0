using System.Xml.Linq;
using LinearizationLab.Reporting;

namespace LinearizationLab.Tests.Reporting;

public sealed class InlineSvgTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-svg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void IdsArePrefixedWithTheirReferencesAndTheFigureScalesByItsViewBox()
    {
        string path = Path.Combine(_dir, "f.svg");
        File.WriteAllText(path, """
            <?xml version="1.0" encoding="utf-8" ?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="700" height="550">
              <defs><image id="img_0" width="2" height="2" xlink:href="data:image/png;base64,AAAA"/></defs>
              <clipPath id="cl_4"><rect width="10" height="10"/></clipPath>
              <g clip-path="url(#cl_4)"><use xlink:href="#img_0"/></g>
              <a href="#elsewhere"><text>x &lt; y</text></a>
            </svg>
            """);

        var (markup, width) = InlineSvg.Read(path, "f3-", "scaling <of> drift")!.Value;
        var svg = XElement.Parse(markup);
        XNamespace s = "http://www.w3.org/2000/svg", xlink = "http://www.w3.org/1999/xlink";

        Assert.Equal(700, width);
        Assert.Equal("0 0 700 550", (string?)svg.Attribute("viewBox"));
        Assert.Null(svg.Attribute("width"));
        Assert.Equal("scaling <of> drift", svg.Element(s + "title")!.Value);
        Assert.Equal(["f3-img_0", "f3-cl_4"], svg.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>());
        Assert.Equal("url(#f3-cl_4)", (string?)svg.Descendants(s + "g").Single().Attribute("clip-path"));
        Assert.Equal("#f3-img_0", (string?)svg.Descendants(s + "use").Single().Attribute(xlink + "href"));
        Assert.Equal("#elsewhere", (string?)svg.Descendants(s + "a").Single().Attribute("href"));   // not an id of this figure
        Assert.Equal("x < y", svg.Descendants(s + "text").Single().Value);
        Assert.DoesNotContain("<?xml", markup, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsNotSvgIsNull()
    {
        string path = Path.Combine(_dir, "bad.svg");
        File.WriteAllText(path, "<svg><unclosed></svg>");
        Assert.Null(InlineSvg.Read(path, "f1-", "bad"));
        File.WriteAllText(path, "<html/>");
        Assert.Null(InlineSvg.Read(path, "f1-", "bad"));
    }
}
