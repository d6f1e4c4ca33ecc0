using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Data;

/// <summary>
/// Examples and regression targets in float64, row-major: <see cref="Inputs"/> is N × prod(FeatureShape)
/// (images in C,H,W order), <see cref="Targets"/> is N × O. <see cref="Labels"/> holds class indices
/// for classification sets (accuracy is the argmax of the outputs against them), null for regression.
/// </summary>
public sealed record Dataset(double[] Inputs, int[] FeatureShape, double[] Targets, int OutputCount, int[]? Labels)
{
    /// <summary>Number of examples N.</summary>
    public int Count => OutputCount == 0 ? 0 : Targets.Length / OutputCount;

    /// <summary>Features per example (product of <see cref="FeatureShape"/>).</summary>
    public int FeatureSize => FeatureShape.Aggregate(1, (a, n) => a * n);

    /// <summary>The inputs as a tensor of shape [N, ...FeatureShape].</summary>
    public Tensor InputTensor(ScalarType dtype, Device device) =>
        ToTensor(Inputs, [Count, .. FeatureShape], dtype, device);

    /// <summary>The targets as a tensor of shape [N, O].</summary>
    public Tensor TargetTensor(ScalarType dtype, Device device) =>
        ToTensor(Targets, [Count, OutputCount], dtype, device);

    /// <summary>The same examples with another feature shape of equal size (e.g. [784] ↔ [1,28,28]).</summary>
    public Dataset WithFeatureShape(int[] shape)
    {
        int size = shape.Aggregate(1, (a, n) => a * n);
        if (size != FeatureSize)
            throw new ArgumentException(
                $"examples have {FeatureSize} features (shape [{string.Join(",", FeatureShape)}]) but shape [{string.Join(",", shape)}] needs {size}");
        return this with { FeatureShape = shape };
    }

    /// <summary>The examples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Select(IReadOnlyList<int> indices)
    {
        int d = FeatureSize, o = OutputCount;
        var x = new double[indices.Count * d];
        var y = new double[indices.Count * o];
        var labels = Labels is null ? null : new int[indices.Count];
        for (int r = 0; r < indices.Count; r++)
        {
            int i = indices[r];
            Array.Copy(Inputs, (long)i * d, x, (long)r * d, d);
            Array.Copy(Targets, (long)i * o, y, (long)r * o, o);
            if (labels is not null) labels[r] = Labels![i];
        }
        return new Dataset(x, FeatureShape, y, o, labels);
    }

    private static Tensor ToTensor(double[] values, long[] shape, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var t = tensor(values, shape, ScalarType.Float64).to(dtype, device);
        return t.MoveToOuterDisposeScope();
    }
}
