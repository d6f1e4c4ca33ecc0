using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LinearizationLab.Plotting;

/// <summary>
/// Logarithmic axes in ScottPlot 5, which plots log10 of the data: ticks labelled in data units, decades as
/// 10ⁿ with minor ticks at 2…9 when the range spans 2.5 decades or more, otherwise 1-2-5 steps as plain numbers.
/// </summary>
internal static class LogAxis
{
    /// <summary>log10 of the finite positive values (others become NaN and are not drawn).</summary>
    internal static double[] Log10(IEnumerable<double> values) =>
        values.Select(v => v > 0 && double.IsFinite(v) ? Math.Log10(v) : double.NaN).ToArray();

    /// <summary>Fits the axes to the data, then replaces the ticks of the log axes with labelled decades.</summary>
    internal static void Apply(Plot plot, bool logX, bool logY)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        if (logX) plot.Axes.Bottom.TickGenerator = Ticks(limits.Left, limits.Right);
        if (logY) plot.Axes.Left.TickGenerator = Ticks(limits.Bottom, limits.Top);
    }

    /// <summary>Ticks at the given widths (log10 positions) labelled with the widths themselves.</summary>
    internal static void Widths(Plot plot, IEnumerable<int> widths)
    {
        var ticks = new NumericManual();
        foreach (int w in widths.Distinct()) ticks.AddMajor(Math.Log10(w), w.ToString(CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
    }

    private static NumericManual Ticks(double low, double high)
    {
        var ticks = new NumericManual();
        if (!double.IsFinite(low) || !double.IsFinite(high)) return ticks;
        int first = (int)Math.Floor(low), last = (int)Math.Ceiling(high);
        bool decades = high - low >= 2.5;
        for (int k = first; k <= last; k++)
        for (int m = 1; m <= 9; m++)
        {
            double position = k + Math.Log10(m);
            if (decades && m == 1) ticks.AddMajor(position, Decade(k));
            else if (!decades && (m is 1 or 2 or 5 || high - low < 0.4))
                ticks.AddMajor(position, (m * Math.Pow(10, k)).ToString("G3", CultureInfo.InvariantCulture));
            else ticks.AddMinor(position);
        }
        return ticks;
    }

    private static string Decade(int k)
    {
        if (k is >= -1 and <= 2) return Math.Pow(10, k).ToString("G3", CultureInfo.InvariantCulture);
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        string power = string.Concat(Math.Abs(k).ToString(CultureInfo.InvariantCulture).Select(c => digits[c - '0']));
        return "10" + (k < 0 ? "⁻" : "") + power;
    }
}
