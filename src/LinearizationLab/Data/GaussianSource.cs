namespace LinearizationLab.Data;

/// <summary>Standard normal draws from a seeded <c>System.Random</c> by the Box–Muller transform.</summary>
internal sealed class GaussianSource(int seed)
{
    private readonly Random _uniform = new(seed);
    private double? _spare;

    /// <summary>Uniform in [0, 1).</summary>
    public double NextUniform() => _uniform.NextDouble();

    /// <summary>One N(0, 1) draw.</summary>
    public double Next()
    {
        if (_spare is double s)
        {
            _spare = null;
            return s;
        }
        double u1 = 1.0 - _uniform.NextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = _uniform.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spare = r * Math.Sin(2.0 * Math.PI * u2);
        return r * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="values"/> with N(0, 1) draws.</summary>
    public void Fill(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = Next();
    }
}
