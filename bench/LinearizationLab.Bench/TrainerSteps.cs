using LinearizationLab.Networks;
using System.Diagnostics;
using LinearizationLab.Training;

namespace LinearizationLab.Bench;

/// <summary>Step times measured through the <see cref="Trainer"/>, so the benchmarks time exactly the path a sweep takes.</summary>
public static class TrainerSteps
{
    /// <summary>
    /// Milliseconds of every step after the first <paramref name="warmUp"/>: the intervals between the trainer's
    /// per-step progress reports, over a run of <see cref="TrainingOptions.Steps"/> steps.
    /// </summary>
    public static double[] Times(Trainer trainer, ITrainableModel model, TrainingData data, int warmUp)
    {
        var stamps = new List<double>();
        var clock = Stopwatch.StartNew();
        trainer.Train(model, data, progress: new ActionProgress<TrainingProgress>(_ => stamps.Add(clock.Elapsed.TotalMilliseconds)));
        return stamps.Zip(stamps.Skip(1), (a, b) => b - a).Skip(warmUp - 1).Order().ToArray();
    }

    /// <summary>The median of <see cref="Times"/>.</summary>
    public static double Median(Trainer trainer, ITrainableModel model, TrainingData data, int warmUp)
    {
        var times = Times(trainer, model, data, warmUp);
        return times[times.Length / 2];
    }
}
