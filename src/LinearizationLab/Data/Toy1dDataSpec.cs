using LinearizationLab.Configuration;

namespace LinearizationLab.Data;

/// <summary><c>"source": "toy1d"</c>: the 1-D sine regression toy (<see cref="SineToySet"/>).</summary>
/// <param name="File">The config file the section came from.</param>
/// <param name="Path">The JSON path of the section.</param>
/// <param name="TrainSize">Number of train examples.</param>
/// <param name="TestSize">Number of test examples; 0 means an empty test set.</param>
/// <param name="Seed">Seed of the sampled points and the noise.</param>
/// <param name="NoiseStd">Standard deviation of the train-target noise.</param>
public sealed record Toy1dDataSpec(string File, string Path, int TrainSize, int TestSize, long Seed, double NoiseStd)
    : DataSpec(File, Path)
{
    /// <summary>The fields only the toy reads (besides train_size, test_size and seed).</summary>
    internal static string[] Fields => ["noise_std"];

    /// <inheritdoc/>
    public override DataSource Source => DataSource.Toy1d;

    /// <summary>Reads the toy fields of a <c>data</c> section.</summary>
    internal static Toy1dDataSpec ReadFields(JsonSection s)
    {
        long seed = s.Long("seed", 0);
        return new Toy1dDataSpec(s.File, s.Path,
            TrainSize: s.Int("train_size", 5, min: 1),
            TestSize: s.Int("test_size", 0, min: 0),
            Seed: seed,
            NoiseStd: s.Double("noise_std", 0.1, min: 0));
    }

    private protected override (Dataset Train, Dataset Test) LoadUnnormalized(string? repositoryRoot) =>
        SineToySet.Create(TrainSize, TestSize, NoiseStd, Seed);
}
