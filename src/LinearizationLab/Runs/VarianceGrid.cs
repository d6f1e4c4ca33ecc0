using System.Globalization;

namespace LinearizationLab.Runs;

/// <summary>An evenly spaced grid A:B:N (N values from A to B inclusive) of a variance read from the command line.</summary>
public static class VarianceGrid
{
    /// <summary>
    /// The values of <paramref name="text"/> ("A:B:N", or a single value); <paramref name="positive"/> requires every
    /// value above 0, otherwise at least 0. Errors name <paramref name="option"/>.
    /// </summary>
    public static double[] Parse(string text, string option, bool positive)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new InvalidInputException("command line", option, $"'{s}' is not a number (expected A:B:N, e.g. 1:4:31)");
        double[] values;
        if (parts.Length == 1)
        {
            values = [Number(parts[0])];
        }
        else if (parts.Length == 3)
        {
            double a = Number(parts[0]), b = Number(parts[1]);
            if (!int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new InvalidInputException("command line", option, $"the count N of A:B:N must be a positive integer (got '{parts[2]}'): an empty grid");
            if (n == 1 && a != b) throw new InvalidInputException("command line", option, "a grid of 1 value needs A = B");
            if (b < a) throw new InvalidInputException("command line", option, $"B must not be below A (got {text})");
            values = Enumerable.Range(0, n).Select(i => n == 1 ? a : a + (b - a) * i / (n - 1)).ToArray();
        }
        else
        {
            throw new InvalidInputException("command line", option, $"expected A:B:N or one value (got '{text}')");
        }
        var bad = values.FirstOrDefault(v => positive ? v <= 0 : v < 0, double.NaN);
        if (!double.IsNaN(bad))
            throw new InvalidInputException("command line", option, $"variances must be {(positive ? "positive" : "non-negative")} (got {bad.ToString(CultureInfo.InvariantCulture)})");
        return values;
    }
}
