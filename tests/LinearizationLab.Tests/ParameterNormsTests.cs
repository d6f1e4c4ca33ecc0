using static TorchSharp.torch;

namespace LinearizationLab.Tests;

public class ParameterNormsTests
{
    /// <summary>
    /// ‖θ − θ0‖ and ‖θ‖ over a list of tensors, one of them longer than a slice of 2^20 entries and one in float32, equal the
    /// same sums taken entry by entry on the host in float64.
    /// </summary>
    [Fact]
    public void ParameterDistanceAndNormEqualTheSumsEntryByEntry()
    {
        var generator = new Generator(7);
        Tensor[] theta0 = [randn([1100, 1000], ScalarType.Float64, generator: generator), randn([3, 5], ScalarType.Float32, generator: generator),
            randn([17], ScalarType.Float64, generator: generator)];
        Tensor[] theta = theta0.Select(t => t + 0.01 * randn(t.shape, t.dtype, generator: generator)).ToArray();
        double[] Values(Tensor t) => t.to(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        double distance = 0, norm = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            double[] a = Values(theta[i]), b = Values(theta0[i]);
            for (int j = 0; j < a.Length; j++)
            {
                distance += (a[j] - b[j]) * (a[j] - b[j]);
                norm += b[j] * b[j];
            }
        }
        Assert.Equal(Math.Sqrt(distance), ParameterNorms.Distance(theta, theta0), Math.Sqrt(distance) * 1e-12);
        Assert.Equal(Math.Sqrt(norm), ParameterNorms.Norm(theta0), Math.Sqrt(norm) * 1e-12);
        Assert.Equal(0.0, ParameterNorms.Distance(theta0, theta0));
    }

    [Fact]
    public void ListsOfDifferentLengthsAreRefused() =>
        Assert.Throws<ArgumentException>(() => ParameterNorms.Distance([ones(2)], [ones(2), ones(3)]));
}
