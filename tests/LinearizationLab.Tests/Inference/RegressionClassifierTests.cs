using LinearizationLab.Data;
using LinearizationLab.Inference;

namespace LinearizationLab.Tests.Inference;

/// <summary>Facts about classification by regression on one-hot targets.</summary>
public class RegressionClassifierTests
{
    [Fact]
    public void OneHotTargetsAreRecoveredByArgmax()
    {
        int[] labels = [2, 0, 1, 2];
        var targets = CsvMatrix.FromRowMajor(OneHotTargets.Standard.Encode(labels, 3), labels.Length, 3);
        Assert.Equal(1.0, targets[0, 2]);
        Assert.Equal(0.0, targets[0, 0]);
        Assert.Equal(labels, RegressionClassifier.Predict(targets));
        Assert.Equal(1.0, RegressionClassifier.Accuracy(targets, labels));
    }

    [Fact]
    public void AccuracyCountsRowsWhoseLargestOutputIsTheLabel()
    {
        var outputs = new double[,] { { 0.1, 0.7, 0.2 }, { 0.5, 0.4, 0.1 }, { -1, -2, -0.5 }, { 0.3, 0.3, 0.0 } };
        Assert.Equal([1, 0, 2, 0], RegressionClassifier.Predict(outputs));
        Assert.Equal(0.5, RegressionClassifier.Accuracy(outputs, [1, 1, 2, 2]));
    }
}
