using LinearizationLab.Data;
using LinearizationLab.Networks;
using static TorchSharp.torch;

namespace LinearizationLab.Training;

/// <summary>Train and test sets as tensors on the run's device: inputs [N, ...], targets [N, O], labels [N] (int64) when the set has classes.</summary>
public sealed class TrainingData : IDisposable
{
    private TrainingData(Tensor x, Tensor y, Tensor? labels, Tensor? testX, Tensor? testY, Tensor? testLabels)
    {
        X = x; Y = y; Labels = labels; TestX = testX; TestY = testY; TestLabels = testLabels;
    }

    /// <summary>Training inputs.</summary>
    public Tensor X { get; }

    /// <summary>Training targets.</summary>
    public Tensor Y { get; }

    /// <summary>Training labels, or null for regression.</summary>
    public Tensor? Labels { get; }

    /// <summary>Test inputs, or null without a test set.</summary>
    public Tensor? TestX { get; }

    /// <summary>Test targets.</summary>
    public Tensor? TestY { get; }

    /// <summary>Test labels.</summary>
    public Tensor? TestLabels { get; }

    /// <summary>Number of training examples.</summary>
    public int Count => (int)X.shape[0];

    /// <summary>Moves the datasets to <paramref name="settings"/>' dtype and device.</summary>
    public static TrainingData From(Dataset train, Dataset? test, TensorSettings settings)
    {
        bool hasTest = test is { Count: > 0 };
        return new TrainingData(
            train.InputTensor(settings.DType, settings.Device),
            train.TargetTensor(settings.DType, settings.Device),
            LabelTensor(train, settings),
            hasTest ? test!.InputTensor(settings.DType, settings.Device) : null,
            hasTest ? test!.TargetTensor(settings.DType, settings.Device) : null,
            hasTest ? LabelTensor(test!, settings) : null);
    }

    private static Tensor? LabelTensor(Dataset d, TensorSettings settings) =>
        d.Labels is null ? null : tensor(d.Labels.Select(l => (long)l).ToArray(), ScalarType.Int64, settings.Device);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in new[] { X, Y, Labels, TestX, TestY, TestLabels }) t?.Dispose();
    }
}
