using System.Text.Json;
using LinearizationLab.Configuration;
using LinearizationLab.Training;

namespace LinearizationLab.Experiments;

/// <summary>
/// One training run as a config file names it (<c>lab train --config C.json</c>): the fields it shares with a sweep
/// (<see cref="TrainingSetup"/>: arch, data, loss, optimizer, steps, checkpoints, dtype, device) and the run's seed.
/// Every field is validated with an error naming the file and field.
/// </summary>
/// <param name="File">The config file.</param>
/// <param name="Setup">Network, data, loss, optimizer, steps, checkpoints and tensor settings.</param>
/// <param name="Seed">Seed of the network's initialization (and of SGD's batches).</param>
/// <param name="Raw">The config as written, stored with the results.</param>
public sealed record RunConfig(string File, TrainingSetup Setup, long Seed, JsonElement Raw)
{
    /// <summary>Reads and validates a run config file.</summary>
    public static RunConfig Load(string path) => Read(JsonSection.Load(path));

    /// <summary>Reads and validates a run config from its root section.</summary>
    public static RunConfig Read(JsonSection s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var setup = TrainingSetup.Read(s, minSteps: 0, checkpointsPerDecade: 5);
        long seed = s.Long("seed", 0);
        s.RejectUnknownFields();
        return new RunConfig(s.File, setup, seed, s.Raw);
    }

    /// <summary>The training options of this run.</summary>
    public TrainingOptions TrainingOptions => new(Setup.Loss, Setup.Optimizer, Setup.Steps, Setup.Checkpoints, Seed);
}
