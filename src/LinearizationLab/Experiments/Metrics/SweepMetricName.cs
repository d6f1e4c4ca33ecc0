using System.Text.RegularExpressions;

namespace LinearizationLab.Experiments.Metrics;

/// <summary>
/// The name of a metric's value in run files and summary.csv, or the pattern of a family of names: <c>{k}</c> stands for
/// a Taylor order, <c>{l}</c> for an affine layer (1-based), <c>{split}</c> for <c>train</c> or <c>test</c> and
/// <c>{quantity}</c> for <c>loss</c> or <c>accuracy</c>. <see cref="FitOrder"/> says whether and where the slope table
/// (summary.json) fits the value against width.
/// </summary>
public sealed class SweepMetricName
{
    /// <summary>The place in the slope table of the comparators' gaps and drifts (Taylor models of order ≥ 2, the hierarchy).</summary>
    public const int ComparatorFits = 100;

    /// <summary>The place in the slope table of the per-layer kernel drifts, after the comparators'.</summary>
    public const int LayerFits = 200;

    private readonly Regex _regex;

    /// <summary>A name or pattern; fitted against width at place <paramref name="fitOrder"/> of the slope table when given.</summary>
    public SweepMetricName(string pattern, int? fitOrder = null)
    {
        Pattern = pattern;
        FitOrder = fitOrder;
        string regex = Regex.Escape(pattern)
            .Replace(@"\{k}", "[0-9]+", StringComparison.Ordinal)
            .Replace(@"\{l}", "[0-9]+", StringComparison.Ordinal)
            .Replace(@"\{split}", "(train|test)", StringComparison.Ordinal)
            .Replace(@"\{quantity}", "(loss|accuracy)", StringComparison.Ordinal);
        _regex = new Regex($"^{regex}$", RegexOptions.CultureInvariant);
    }

    /// <summary>The name, or the family's pattern.</summary>
    public string Pattern { get; }

    /// <summary>
    /// Null when the value is not fitted against width; otherwise its place in the slope table (smaller first, values of
    /// one place by name).
    /// </summary>
    public int? FitOrder { get; }

    /// <summary>Whether <paramref name="name"/> is this name or one of its family.</summary>
    public bool Matches(string name) => _regex.IsMatch(name);

    /// <inheritdoc/>
    public override string ToString() => Pattern;
}
