using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Layers;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using static TorchSharp.torch;

namespace LinearizationLab.Experiments;

/// <summary>
/// The coordinate check that microsoft/mup's users run to validate a parameterization (Yang et al. 2022, "Tensor Programs V",
/// §D): train the network at several widths for a few steps with the setup's optimizer and batches, and record after each
/// step t = 0…k the RMS coordinate size of every layer's pre-activations and activations and of their change since
/// initialization, on a fixed probe batch (the first <see cref="ProbeSize"/> training examples), averaged over seeds. Under
/// a correct μP nothing grows or vanishes with width; under the standard parameterization with Adam at a fixed learning rate
/// the hidden and output coordinates grow after the first step.
/// </summary>
public static class CoordinateCheck
{
    /// <summary>The probe batch: at most this many training examples.</summary>
    public const int ProbeSize = 256;

    /// <summary>Runs the check of <paramref name="setup"/> at <paramref name="widths"/> for <paramref name="steps"/> steps and <paramref name="seeds"/>.</summary>
    public static CoordinateCheckResult Run(TrainingSetup setup, IReadOnlyList<int> widths, int steps, IReadOnlyList<long> seeds,
        Dataset train, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(seeds);
        if (widths.Count < 2) throw new ArgumentException("a coordinate check needs at least two widths", nameof(widths));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "at least one step");
        var sorted = widths.Distinct().Order().ToArray();
        var sums = new Dictionary<(int Width, int Layer, string Quantity, int Step), double>();
        string[] layers = [];
        int done = 0;
        foreach (int width in sorted)
        foreach (long seed in seeds)
        {
            cancel.ThrowIfCancellationRequested();
            layers = Measure(setup with { Arch = setup.Arch.WithHiddenWidth(width) }, steps, seed, train, (layer, quantity, step, rms) =>
                sums[(width, layer, quantity, step)] = sums.GetValueOrDefault((width, layer, quantity, step)) + rms / seeds.Count, cancel);
            progress?.Report(++done / (double)(sorted.Length * seeds.Count));
        }
        var sizes = sums.Select(p => new CoordinateSize(p.Key.Width, p.Key.Layer, p.Key.Quantity, p.Key.Step, p.Value))
            .OrderBy(s => s.Layer).ThenBy(s => Array.IndexOf([.. CoordinateSize.Quantities], s.Quantity)).ThenBy(s => s.Step).ThenBy(s => s.Width).ToArray();
        var slopes = sizes.GroupBy(s => (s.Layer, s.Quantity, s.Step))
            .Where(g => g.All(s => s.Rms > 0) && g.Count() == sorted.Length)
            .Select(g =>
            {
                var (slope, _) = ScalingFit.LeastSquares(g.Select(s => Math.Log(s.Width)).ToArray(), g.Select(s => Math.Log(s.Rms)).ToArray());
                return new CoordinateSlope(g.Key.Layer, g.Key.Quantity, g.Key.Step, slope);
            }).ToArray();
        return new CoordinateCheckResult(sorted, steps, layers, sizes, slopes);
    }

    /// <summary>One network: its sizes after each step reported to <paramref name="record"/>; returns the units' names.</summary>
    private static string[] Measure(TrainingSetup setup, int steps, long seed, Dataset train, Action<int, string, int, double> record,
        CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        using var network = Network.Create(setup.Arch, seed, setup.Settings);
        using var data = TrainingData.From(train, null, setup.Settings);
        var probe = data.X.narrow(0, 0, Math.Min(ProbeSize, data.Count));
        var optimizer = setup.Optimizer;
        if (optimizer.CriticalFraction is not null)
            optimizer = optimizer.WithCriticalLearningRate(CriticalLearningRate.Of(new EmpiricalNtk(network), data.X));
        var trainer = new Trainer(new TrainingOptions(setup.Loss, optimizer, steps, Enumerable.Range(0, steps + 1).ToArray(), seed));
        Tensor[]? initial = null;
        string[] names = [];
        trainer.Train(network, data, (checkpoint, _, _) =>
        {
            using var stepScope = NewDisposeScope();
            var trace = new ForwardTrace();
            using (no_grad()) network.Forward(probe, network.Parameters, trace);
            var units = trace.Units;
            // Unit l's pre-activation is its output; its activation is what enters unit l + 1.
            var values = units.Select(u => u.Output).Concat(units.Skip(1).Select(u => u.Input)).ToArray();
            if (initial is null)
            {
                initial = values.Select(v => v.detach().clone().DetachFromDisposeScope()).ToArray();
                names = units.Select((u, l) => l == units.Count - 1 ? "readout" : $"{u.Unit.Layer.TypeName} {l + 1}").ToArray();
            }
            for (int l = 0; l < units.Count; l++)
            {
                record(l + 1, "preactivation", checkpoint.Step, CoordinateSize.RmsOf(values[l]));
                if (checkpoint.Step > 0) record(l + 1, "preactivation_change", checkpoint.Step, CoordinateSize.RmsOf(values[l] - initial[l]));
                if (l == units.Count - 1) continue;
                int a = units.Count + l;
                record(l + 1, "activation", checkpoint.Step, CoordinateSize.RmsOf(values[a]));
                if (checkpoint.Step > 0) record(l + 1, "activation_change", checkpoint.Step, CoordinateSize.RmsOf(values[a] - initial[a]));
            }
        }, cancel: cancel);
        foreach (var t in initial ?? []) t.Dispose();
        return names;
    }
}
