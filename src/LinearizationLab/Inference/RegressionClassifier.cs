namespace LinearizationLab.Inference;

/// <summary>
/// Classification by regression on one-hot targets (as in Lee et al. 2018, 2019): fit the targets e_y with a
/// GP or NTK-GP mean, and predict the class whose output is largest.
/// </summary>
public static class RegressionClassifier
{
    /// <summary>One-hot targets, N × classCount, with <paramref name="on"/> at the label and <paramref name="off"/> elsewhere.</summary>
    public static double[,] OneHot(IReadOnlyList<int> labels, int classCount, double on = 1.0, double off = 0.0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (classCount < 1) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "must be ≥ 1");
        var targets = new double[labels.Count, classCount];
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
                throw new ArgumentException($"label {labels[i]} of example {i} is outside [0, {classCount})", nameof(labels));
            for (int c = 0; c < classCount; c++) targets[i, c] = c == labels[i] ? on : off;
        }

        return targets;
    }

    /// <summary>The predicted class of each row: argmax over the outputs (the first on ties).</summary>
    public static int[] Predict(double[,] outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        int n = outputs.GetLength(0), o = outputs.GetLength(1);
        var classes = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < o; c++) if (outputs[i, c] > outputs[i, best]) best = c;
            classes[i] = best;
        }

        return classes;
    }

    /// <summary>Fraction of rows whose argmax equals the label.</summary>
    public static double Accuracy(double[,] outputs, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var predicted = Predict(outputs);
        if (predicted.Length != labels.Count) throw new ArgumentException($"{predicted.Length} predictions but {labels.Count} labels", nameof(labels));
        if (predicted.Length == 0) return double.NaN;
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == labels[i]) correct++;
        return (double)correct / predicted.Length;
    }
}
