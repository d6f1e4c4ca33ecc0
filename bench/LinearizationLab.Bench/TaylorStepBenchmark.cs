using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// The cost of training the Taylor models f_2 and f_3 (<see cref="TaylorizedNetwork"/>: jets with autograd through them)
/// beside a network step and a linearized step (f_1, the hand-written <see cref="LinearizedNetwork"/>), on the protocol of
/// <see cref="SweepStepBenchmark"/>: milliseconds per step (median of 15 after 3, through the <see cref="Trainer"/>) and
/// the ratios to the network step, for ReLU (whose jets skip the curvature terms) and erf hidden layers.
/// Usage: <c>taylor-step [--widths 1024,4096] [--dtypes float64] [--activations relu,erf]</c>.
/// </summary>
public static class TaylorStepBenchmark
{
    private const int WarmUp = 3, Measured = 15;

    /// <summary>Prints the table.</summary>
    public static void Run(string[] args)
    {
        int[] widths = Option(args, "--widths")?.Split(',').Select(int.Parse).ToArray() ?? [1024, 4096];
        string[] dtypes = Option(args, "--dtypes")?.Split(',') ?? ["float64"];
        string[] activations = Option(args, "--activations")?.Split(',') ?? ["relu", "erf"];
        Console.WriteLine($"Taylor model steps, MLP 16-n-n-1 on 64 points of S^15, full-batch GD on MSE at eta_crit/2; torch threads {get_num_threads()}");
        Console.WriteLine($"{"phi",5} {"width",6} {"dtype",8} {"network ms",11} {"f_1 ms",9} {"f_2 ms",9} {"f_3 ms",9} {"f_1/net",8} {"f_2/net",8} {"f_3/net",8}");
        foreach (string activation in activations)
        foreach (string dtype in dtypes)
        foreach (int width in widths)
        {
            var context = SweepContext.Create(SweepStepBenchmark.Protocol(width, dtype, WarmUp + Measured, activation));
            var spec = context.Spec;
            using var scope = NewDisposeScope();
            using var network = Network.Create(spec.Setup.Arch.WithHiddenWidth(width), 0, spec.Setup.Settings);
            using var data = TrainingData.From(context.Train, context.Test, spec.Setup.Settings);
            var optimizer = spec.Setup.Optimizer.WithCriticalLearningRate(CriticalLearningRate.Of(new EmpiricalNtk(network), data.X));
            var trainer = new Trainer(new TrainingOptions(spec.Setup.Loss, optimizer, spec.Setup.Steps, [0, spec.Setup.Steps], 0));
            var theta0 = network.CloneParameters();
            double Time(Func<ITrainableModel> make)
            {
                var model = make();
                try { return TrainerSteps.Median(trainer, model, data, WarmUp); }
                finally { (model as IDisposable)?.Dispose(); }
            }
            double f1 = Time(() => new LinearizedNetwork(network, theta0));
            double f2 = Time(() => new TaylorizedNetwork(network, 2, theta0));
            double f3 = Time(() => new TaylorizedNetwork(network, 3, theta0));
            double net = Time(() => network);
            Console.WriteLine($"{activation,5} {width,6} {dtype,8} {net,11:F2} {f1,9:F2} {f2,9:F2} {f3,9:F2} {f1 / net,8:F2} {f2 / net,8:F2} {f3 / net,8:F2}");
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
