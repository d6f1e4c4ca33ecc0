using LinearizationLab.Layers;
using System.Diagnostics;
using LinearizationLab.Architecture;
using LinearizationLab.Data;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Bench;

/// <summary>
/// Milliseconds per full-batch gradient-descent step (forward + backward + update) of a ReLU MLP
/// with 2 hidden layers on 256 MNIST examples, for widths 1024 and 4096 in float32 and float64:
/// the network itself and its linearization in the same run, each timed through the <see cref="Trainer"/> as a run trains it
/// (hand-written backpropagation with fused updates for these MLPs).
/// </summary>
public static class GdStepBenchmark
{
    private const int Examples = 256, WarmUp = 3, Measured = 15;

    /// <summary>Prints one line per (width, dtype) with the median and the spread of the measured steps.</summary>
    public static void Run()
    {
        var data = MnistSubset();
        Console.WriteLine($"GD step, ReLU MLP 784-n-n-10, {Examples} MNIST examples, MSE; torch threads {get_num_threads()}");
        Console.WriteLine($"{"width",6} {"dtype",8} {"model",-11} {"median ms",10} {"min ms",8} {"max ms",8}");
        foreach (int width in new[] { 1024, 4096 })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        foreach (bool linearized in new[] { false, true })
        {
            var times = Measure(data, width, new TensorSettings(dtype, CPU), linearized);
            Console.WriteLine($"{width,6} {(dtype == ScalarType.Float32 ? "float32" : "float64"),8} {(linearized ? "linearized" : "network"),-11} " +
                              $"{times[times.Length / 2],10:F2} {times[0],8:F2} {times[^1],8:F2}");
        }
    }

    /// <summary>
    /// Adam against plain GD on the same network (784-n-n-10, 256 MNIST examples, MSE), full batch, in one run: the ratio
    /// of the median steps is Adam's element-wise cost (three passes for m, v and the denominator, one for the update) over
    /// the GEMMs both share. Widths 1024, 2048 and 4096, float32 and float64.
    /// </summary>
    public static void RunAdam()
    {
        var data = MnistSubset();
        Console.WriteLine($"Adam vs GD step, ReLU MLP 784-n-n-10, {Examples} MNIST examples, MSE, full batch; torch threads {get_num_threads()}");
        Console.WriteLine($"{"width",6} {"dtype",8} {"GD ms",8} {"Adam ms",8} {"Adam/GD",8}");
        var adam = new OptimizerSpec(1e-3) { Adam = new AdamMoments() };
        foreach (int width in new[] { 1024, 2048, 4096 })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var settings = new TensorSettings(dtype, CPU);
            var gd = Measure(data, width, settings, false);
            var adamTimes = Measure(data, width, settings, false, adam);
            double gdMs = gd[gd.Length / 2], adamMs = adamTimes[adamTimes.Length / 2];
            Console.WriteLine($"{width,6} {(dtype == ScalarType.Float32 ? "float32" : "float64"),8} {gdMs,8:F2} {adamMs,8:F2} {adamMs / gdMs,8:F3}");
        }
    }

    private static Dataset MnistSubset()
    {
        var images = LabeledImages.Load(ImageCorpus.Mnist, ImageSplit.Train);
        return images.ToDataset(images.FirstPerClass(Examples / 8)[..Examples], 1, OneHotTargets.Standard).WithFeatureShape([784]);
    }

    private static double[] Measure(Dataset data, int width, TensorSettings settings, bool linearized, OptimizerSpec? optimizer = null)
    {
        var spec = new ArchitectureSpec([784], Parameterization.Ntk,
        [
            new DenseLayer(width, 1.414, 0.1), new ActivationLayer(Activation.Relu),
            new DenseLayer(width, 1.414, 0.1), new ActivationLayer(Activation.Relu),
            new DenseLayer(10, 1.0, 0.0),
        ]);
        using var network = Network.Create(spec, 0, settings);
        using var linear = linearized ? new LinearizedNetwork(network) : null;
        ITrainableModel model = linear is null ? network : linear;
        using var tensors = TrainingData.From(data, null, settings);
        var trainer = new Trainer(new TrainingOptions(new MeanSquaredError(), optimizer ?? new OptimizerSpec(0.1), WarmUp + Measured, [], 0));
        return TrainerSteps.Times(trainer, model, tensors, WarmUp);
    }
}
