namespace LinearizationLab.Data;

/// <summary>
/// A fixed random ReLU MLP in plain float64 arithmetic that labels synthetic inputs. Weights are N(0,1)
/// in NTK scaling without biases: hidden layers compute relu(√2/√fan_in · W h) (the √2 gain keeps
/// E[h²] = E[x²] through ReLU) and the readout (1/√fan_in) · W h, so inputs with x·x/d = 1 give
/// outputs of variance ≈ 1 over the draw of the weights.
/// </summary>
public sealed class TeacherNetwork
{
    private readonly double[][] _weights; // layer l: [fanOut × fanIn] row-major
    private readonly int[] _sizes;        // input, hidden..., output

    /// <summary>Draws the weights from <c>System.Random</c> seeded by a stream derived from <paramref name="seed"/>.</summary>
    public TeacherNetwork(int inputDimension, int width = 512, int depth = 1, int outputs = 1, long seed = 0)
    {
        if (inputDimension < 1) throw new ArgumentOutOfRangeException(nameof(inputDimension), "must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), "must be at least 1");
        if (depth < 0) throw new ArgumentOutOfRangeException(nameof(depth), "must be at least 0");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), "must be at least 1");
        InputDimension = inputDimension;
        Width = width;
        Depth = depth;
        OutputCount = outputs;
        Seed = seed;
        _sizes = [inputDimension, .. Enumerable.Repeat(width, depth), outputs];
        var gaussian = new GaussianSource(SeedStream.Derive(seed, SeedStream.Teacher));
        _weights = new double[_sizes.Length - 1][];
        for (int l = 0; l < _weights.Length; l++)
        {
            _weights[l] = new double[_sizes[l + 1] * _sizes[l]];
            gaussian.Fill(_weights[l]);
        }
    }

    /// <summary>Input dimension d.</summary>
    public int InputDimension { get; }

    /// <summary>Width of each hidden layer.</summary>
    public int Width { get; }

    /// <summary>Number of hidden ReLU layers.</summary>
    public int Depth { get; }

    /// <summary>Number of outputs O.</summary>
    public int OutputCount { get; }

    /// <summary>The seed the weights were drawn from.</summary>
    public long Seed { get; }

    /// <summary>The teacher's outputs for one input of length d.</summary>
    public double[] Evaluate(ReadOnlySpan<double> x)
    {
        if (x.Length != InputDimension)
            throw new ArgumentException($"input has {x.Length} features but the teacher takes {InputDimension}");
        double[] h = x.ToArray();
        for (int l = 0; l < _weights.Length; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            bool hidden = l < _weights.Length - 1;
            double scale = (hidden ? Math.Sqrt(2.0) : 1.0) / Math.Sqrt(fanIn);
            var next = new double[fanOut];
            var w = _weights[l];
            for (int o = 0; o < fanOut; o++)
            {
                double z = 0;
                int row = o * fanIn;
                for (int i = 0; i < fanIn; i++) z += w[row + i] * h[i];
                z *= scale;
                next[o] = hidden ? Math.Max(z, 0.0) : z;
            }
            h = next;
        }
        return h;
    }

    /// <summary>Targets N × O (row-major) for inputs N × d (row-major).</summary>
    public double[] Evaluate(double[] inputs, int count)
    {
        if (inputs.Length != count * InputDimension)
            throw new ArgumentException($"{inputs.Length} values are not {count} inputs of {InputDimension} features");
        var y = new double[count * OutputCount];
        for (int n = 0; n < count; n++)
            Evaluate(inputs.AsSpan(n * InputDimension, InputDimension)).CopyTo(y, n * OutputCount);
        return y;
    }
}
