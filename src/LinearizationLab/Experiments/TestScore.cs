namespace LinearizationLab.Experiments;

/// <summary>
/// A predictor's score on a sweep's test set: the sweep's loss (½·mean‖f − y‖² for MSE) and, for labelled sets, the argmax
/// accuracy; either is null where it does not exist. Averaged over seeds, <see cref="LossSd"/> and <see cref="AccuracySd"/> are
/// the sample standard deviations over them (null for one seed or a single predictor).
/// </summary>
/// <param name="Loss">Test loss.</param>
/// <param name="Accuracy">Test accuracy, or null without labels.</param>
/// <param name="LossSd">Standard deviation of the loss over seeds, or null.</param>
/// <param name="AccuracySd">Standard deviation of the accuracy over seeds, or null.</param>
public sealed record TestScore(double? Loss, double? Accuracy, double? LossSd = null, double? AccuracySd = null)
{
    /// <summary>
    /// The mean of <paramref name="scores"/> (one per seed) with the sample standard deviations over them (n − 1 in the
    /// denominator; null for fewer than two); null when there are none.
    /// </summary>
    public static TestScore? Mean(IReadOnlyList<TestScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) return null;
        static (double? Mean, double? Sd) Moments(IEnumerable<double?> values)
        {
            var v = values.OfType<double>().ToArray();
            if (v.Length == 0) return (null, null);
            double mean = v.Average();
            return (mean, v.Length < 2 ? null : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
        }
        var (loss, lossSd) = Moments(scores.Select(s => s.Loss));
        var (accuracy, accuracySd) = Moments(scores.Select(s => s.Accuracy));
        return new TestScore(loss, accuracy, lossSd, accuracySd);
    }
}
