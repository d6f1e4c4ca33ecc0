using LinearizationLab.Architecture;
using LinearizationLab.Data;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// Milliseconds per full-batch gradient-descent step of a small CNN — two 3×3 SAME convs of 128 channels with ReLU, flatten,
/// dense 10 — on 256 MNIST images of 28×28, float32, ½·mean MSE: the hand-written passes (im2col GEMMs, the weight update
/// fused into the reverse pass) against the same network trained through autograd, each timed through the <see cref="Trainer"/>
/// as a sweep runs it. bench/pytorch's <c>cnn-step</c> times the same step in PyTorch.
/// </summary>
public static class CnnStepBenchmark
{
    private const int Examples = 256, Channels = 128, WarmUp = 2;

    /// <summary>Prints one line per path with the median and the spread of the measured steps (and the step's GFLOP); <c>--steps S</c> measures S steps (default 7).</summary>
    public static void Run(string[] args)
    {
        int at = Array.IndexOf(args, "--steps");
        int measured = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var images = LabeledImages.Load(ImageCorpus.Mnist, ImageSplit.Train);
        var data = images.ToDataset(images.FirstPerClass(Examples / 8)[..Examples], 1, OneHotTargets.Standard).WithFeatureShape([1, 28, 28]);
        var spec = Spec();
        Console.WriteLine($"GD step, CNN conv{Channels}-relu-conv{Channels}-relu-flatten-dense10 (3×3 SAME), {Examples} MNIST images 28×28, " +
                          $"float32, MSE; {StepFlops(spec) / 1e9:F1} GFLOP per step; torch threads {get_num_threads()}");
        Console.WriteLine($"{"path",-12} {"median ms",10} {"min ms",8} {"max ms",8}");
        var settings = new TensorSettings(ScalarType.Float32, CPU);
        foreach (bool byHand in new[] { true, false })
        {
            using var network = Network.Create(spec, 0, settings);
            using var tensors = TrainingData.From(data, null, settings);
            var trainer = new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.1), WarmUp + measured, [], 0));
            var times = TrainerSteps.Times(trainer, byHand ? network : new AutogradOnly(network), tensors, WarmUp);
            Console.WriteLine($"{(byHand ? "hand-written" : "autograd"),-12} {times[times.Length / 2],10:F1} {times[0],8:F1} {times[^1],8:F1}");
        }
    }

    private static ArchitectureSpec Spec() => new([1, 28, 28], Parameterization.Ntk,
    [
        new ConvLayer(Channels, [3, 3], [1, 1], Padding.Same, 1.414, 0.1), new ActivationLayer(Activation.Relu),
        new ConvLayer(Channels, [3, 3], [1, 1], Padding.Same, 1.414, 0.1), new ActivationLayer(Activation.Relu),
        new FlattenLayer(), new DenseLayer(10, 1.0, 0.0),
    ]);

    /// <summary>Forward, input gradient (but not the first layer's) and weight gradient: 2·N·P·fan_in·C_out FLOPs each per layer.</summary>
    private static double StepFlops(ArchitectureSpec spec)
    {
        double positions = 28 * 28;
        double first = 2.0 * Examples * positions * 9 * Channels, second = 2.0 * Examples * positions * 9 * Channels * Channels,
            readout = 2.0 * Examples * positions * Channels * 10;
        return 2 * first + 3 * second + 3 * readout;
    }

    /// <summary>The network seen only as an <see cref="ITrainableModel"/>, so the trainer takes the autograd path.</summary>
    private sealed class AutogradOnly(ITrainableModel model) : ITrainableModel
    {
        public IReadOnlyList<Tensor> Parameters => model.Parameters;

        public Tensor Forward(Tensor x) => model.Forward(x);
    }
}
