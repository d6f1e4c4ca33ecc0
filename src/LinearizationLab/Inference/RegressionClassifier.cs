namespace LinearizationLab.Inference;

/// <summary>
/// Classification by regression on one-hot targets (as in Lee et al. 2018, 2019; <see cref="Data.OneHotTargets"/>):
/// fit the targets e_y with a GP or NTK-GP mean, and predict the class whose output is largest.
/// </summary>
public static class RegressionClassifier
{
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
