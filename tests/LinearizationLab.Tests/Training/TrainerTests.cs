using LinearizationLab.Data;
using LinearizationLab.Networks;
using LinearizationLab.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LinearizationLab.Tests.Training;

[Collection("TorchSharp")]
public class TrainerTests
{
    private static readonly TensorSettings F64 = TensorSettings.CpuFloat64;

    /// <summary>A small regression set: y = sin of the first coordinate, inputs from a fixed generator.</summary>
    private static Dataset Regression(int n, int d, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, n * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => Math.Sin(3 * x[i * d])).ToArray();
        return new Dataset(x, [d], y, 1, null);
    }

    /// <summary>A 3-class set whose label is the index of the largest of the first three coordinates.</summary>
    private static Dataset Classes(int n, int d, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, n * d).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, 3).MaxBy(k => x[i * d + k])).ToArray();
        var y = labels.SelectMany(l => Enumerable.Range(0, 3).Select(k => k == l ? 1.0 : 0.0)).ToArray();
        return new Dataset(x, [d], y, 3, labels);
    }

    private static TrainingResult Train(Dataset data, OptimizerSpec optimizer, long netSeed, long batchSeed,
        string loss = "mse", int steps = 30, int width = 64)
    {
        using var net = Network.Create(Arch.Mlp(data.FeatureSize, [width], data.OutputCount), netSeed, F64);
        using var tensors = TrainingData.From(data, null, F64);
        var options = new TrainingOptions(Loss.FromName(loss), optimizer, steps, CheckpointSchedule.LogSpaced(steps), batchSeed);
        return new Trainer(options).Train(net, tensors);
    }

    private static double[] Losses(TrainingResult r) => r.Checkpoints.Select(c => c.TrainLoss).ToArray();

    [Fact]
    public void SameSeedGivesAnIdenticalTrajectoryAndAnotherSeedADifferentOne()
    {
        var data = Regression(32, 4, 0);
        var sgd = new OptimizerSpec(0.5, Momentum: 0.9, BatchSize: 8);
        var a = Losses(Train(data, sgd, 1, 5));
        var b = Losses(Train(data, sgd, 1, 5));
        Assert.Equal(a, b);                                    // bit-identical
        Assert.NotEqual(a, Losses(Train(data, sgd, 2, 5)));    // another network seed
        Assert.NotEqual(a, Losses(Train(data, sgd, 1, 6)));    // another shuffling seed
    }

    /// <summary>
    /// The outputs a checkpoint hook is handed are the model's outputs on both sets at that step, and the checkpoint's losses
    /// are the losses of those outputs.
    /// </summary>
    [Fact]
    public void ACheckpointHookSeesTheOutputsItsLossesWereComputedFrom()
    {
        var data = Classes(24, 5, 2);
        var test = Classes(10, 5, 3);
        using var net = Network.Create(Arch.Mlp(5, [32], 3), 4, F64);
        using var tensors = TrainingData.From(data, test, F64);
        var trainer = new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(0.3), 6, [0, 2, 6], 0));
        var seen = new List<int>();
        trainer.Train(net, tensors, (record, outputs, model) =>
        {
            Assert.Equal(trainer.PredictValues(model, tensors.X), outputs.Train);
            Assert.Equal(trainer.PredictValues(model, tensors.TestX), outputs.Test);
            Assert.Equal(HalfMeanSquaredError(outputs.Train, data.Targets, 3), record.TrainLoss, 1e-14);
            Assert.Equal(HalfMeanSquaredError(outputs.Test, test.Targets, 3), record.TestLoss!.Value, 1e-14);
            seen.Add(record.Step);
        });
        Assert.Equal([0, 2, 6], seen);
    }

    /// <summary>½·mean over examples of ‖f_i − y_i‖², for row-major [N·O] values.</summary>
    private static double HalfMeanSquaredError(double[] f, IReadOnlyList<double> y, int outputs) =>
        0.5 * f.Select((v, e) => (v - y[e]) * (v - y[e])).Sum() / (f.Length / outputs);

    [Fact]
    public void FullBatchGradientDescentDecreasesTheMseLossMonotonicallyAtASmallRate()
    {
        var r = Train(Regression(32, 4, 1), new OptimizerSpec(0.2), 3, 0, steps: 50);
        Assert.False(r.Diverged);
        var losses = Losses(r);
        for (int i = 1; i < losses.Length; i++) Assert.True(losses[i] < losses[i - 1], $"loss rose at checkpoint {i}");
        Assert.True(losses[^1] < 0.5 * losses[0]);   // a progress criterion, not derived: 50 small steps at least halve the loss
    }

    [Fact]
    public void ALearningRateFarTooLargeIsReportedAsDivergedNotThrown()
    {
        var r = Train(Regression(32, 4, 1), new OptimizerSpec(1e4), 3, 0, steps: 100);
        Assert.True(r.Diverged);
        Assert.NotNull(r.DivergenceReason);
        Assert.True(r.DivergedAtStep < 100);
        Assert.True(r.StepsCompleted == r.DivergedAtStep);
    }

    [Fact]
    public void CrossEntropyWithNesterovMomentumLearnsTheClasses()
    {
        var data = Classes(96, 4, 2);
        var r = Train(data, new OptimizerSpec(0.5, Momentum: 0.9, Nesterov: true, BatchSize: 16), 4, 0,
            loss: "cross_entropy", steps: 200, width: 128);
        Assert.False(r.Diverged);
        Assert.Equal(Math.Log(3), r.Checkpoints[0].TrainLoss, 0.5);   // near-uniform softmax at init
        // An acceptance criterion: the label is the argmax of 3 inputs, which a width-128 net learns; 0.9 leaves ~10 of
        // the 96 points near a decision boundary to be wrong.
        Assert.True(r.Checkpoints[^1].TrainAccuracy > 0.9, $"accuracy {r.Checkpoints[^1].TrainAccuracy}");
    }

    [Fact]
    public void MseIsHalfTheMeanOverExamplesOfTheSquaredErrorNorm()
    {
        using var f = tensor(new[] { 1.0, 2.0, 0.0, -1.0 }, [2, 2]);
        using var y = tensor(new[] { 0.0, 0.0, 1.0, 1.0 }, [2, 2]);
        // ½ · (1/2) · ((1 + 4) + (1 + 4)) = 2.5
        Assert.Equal(2.5, new MeanSquaredError().Value(f, y, null).ToDouble(), 15);   // small integers and halves: exact in float64
    }

    [Fact]
    public void MomentumUpdatesFollowTheHeavyBallAndNesterovRules()
    {
        // On L = ½θ², g = θ. Heavy ball: v1 = g0, θ1 = θ0 − ηv1; v2 = μv1 + g1, θ2 = θ1 − ηv2.
        // Nesterov: θ ← θ − η(g + μv) with v updated first.
        foreach (bool nesterov in new[] { false, true })
        {
            double eta = 0.1, mu = 0.9, theta = 1.0, v = 0.0;
            using var p = tensor(new[] { 1.0 }).requires_grad_(true);
            using var opt = new MomentumSgd(new OptimizerSpec(eta, mu, nesterov), [p]);
            for (int step = 0; step < 3; step++)
            {
                (0.5 * p.square().sum()).backward();
                opt.Step();
                double g = theta;
                v = mu * v + g;
                theta -= eta * (nesterov ? g + mu * v : v);
                Assert.Equal(theta, p.ToDouble(), 14);   // the same float64 recursion on O(1) values, 3 steps: round-off ~1e-16
            }
        }
    }

    [Theory]
    [InlineData(0.0, false, "zero")]
    [InlineData(0.9, false, "zero")]
    [InlineData(0.9, true, "zero")]
    [InlineData(0.0, false, "init")]
    [InlineData(0.9, true, "init")]
    [InlineData(0.9, false, "given")]
    public void WeightDecayAddsLambdaTimesTheDistanceToItsCenter(double mu, bool nesterov, string center)
    {
        // On L = ½θ², g = θ + λ(θ − θ_c): θ_c = 0, the initial 1.0, or a model's zero point 0.3 (e.g. −θ0 of a displacement).
        double eta = 0.1, lambda = 0.5, theta = 1.0, v = 0.0, c = center switch { "init" => 1.0, "given" => 0.3, _ => 0.0 };
        using var p = tensor(new[] { 1.0 }).requires_grad_(true);
        using var zero = tensor(new[] { 0.3 });
        var spec = new OptimizerSpec(eta, mu, nesterov) { WeightDecay = lambda, DecayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero };
        using var opt = new MomentumSgd(spec, [p], center == "given" ? [zero] : null);
        for (int step = 0; step < 4; step++)
        {
            (0.5 * p.square().sum()).backward();
            opt.Step();
            double g = theta + lambda * (theta - c);
            v = mu * v + g;
            theta -= eta * (mu == 0 ? g : nesterov ? g + mu * v : v);
            Assert.Equal(theta, p.ToDouble(), 14);
        }
    }

    [Theory]
    [InlineData(0.0, "zero")]
    [InlineData(0.8, "init")]
    public void WeightDecayFusedIntoTheHandWrittenStepEqualsTheL2Gradient(double mu, string center)
    {
        // The network's hand-written step (decay folded into each weight's GEMM update) against autograd of
        // L + ½λ‖θ − θ_c‖² with PyTorch's heavy-ball rule written out.
        var data = Regression(12, 3, 5);
        const double Eta = 0.2, Lambda = 0.3;
        var spec = new OptimizerSpec(Eta, mu) { WeightDecay = Lambda, DecayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero };
        using var scope = NewDisposeScope();
        using var trained = Network.Create(Arch.Mlp(3, [16, 16], 1), 4, F64);
        using var manual = Network.Create(Arch.Mlp(3, [16, 16], 1), 4, F64);
        using var tensors = TrainingData.From(data, null, F64);
        new Trainer(new TrainingOptions(new MeanSquaredError(), spec, 6, [6], 0)).Train(trained, tensors);
        var theta0 = manual.Parameters.Select(t => t.detach().clone()).ToArray();
        var velocity = manual.Parameters.Select(t => zeros_like(t)).ToArray();
        for (int step = 0; step < 6; step++)
        {
            var grads = autograd.grad([new MeanSquaredError().Value(manual.Forward(tensors.X), tensors.Y, null)], manual.Parameters.ToArray());
            using var noGrad = no_grad();
            for (int i = 0; i < grads.Count; i++)
            {
                var g = grads[i] + Lambda * (manual.Parameters[i] - (center == "init" ? theta0[i] : zeros_like(theta0[i])));
                velocity[i] = mu * velocity[i] + g;
                manual.Parameters[i].sub_(Eta * velocity[i]);
            }
        }
        for (int i = 0; i < manual.Parameters.Count; i++)
            Assert.True((trained.Parameters[i] - manual.Parameters[i]).abs().max().ToDouble() < 1e-13);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void DecayFactorsScaleLambdaPerTensor(string kind)
    {
        // Tensors with factors 1 and 0.25 under L = 0 (no gradient): SGD's coupled step and AdamW's decoupled one both shrink
        // θ_p by (1 − η·λ·s_p) per step (Adam's moments stay 0 without a gradient), so after k steps θ_p = (1 − ηλs_p)^k.
        const double Eta = 0.1, Lambda = 0.5;
        using var a = tensor(new[] { 1.0 }).requires_grad_(true);
        using var b = tensor(new[] { 1.0 }).requires_grad_(true);
        var spec = new OptimizerSpec(Eta) { WeightDecay = Lambda, Adam = kind == "adam" ? new AdamMoments() : null };
        using var opt = spec.Create([a, b], decayScales: [1.0, 0.25]);
        for (int k = 1; k <= 3; k++)
        {
            (0 * (a + b).sum()).backward();
            opt.Step();
            Assert.Equal(Math.Pow(1 - Eta * Lambda, k), a.ToDouble(), 15);
            Assert.Equal(Math.Pow(1 - Eta * Lambda * 0.25, k), b.ToDouble(), 15);
        }
        Assert.Throws<ArgumentException>(() => spec.Create([a, b], decayScales: [1.0]));
    }

    [Theory]
    [InlineData(0.0, false, "zero")]
    [InlineData(0.9, false, "init")]
    [InlineData(0.8, true, "zero")]
    public void EffectiveWeightDecayInNtkParameterizationTrainsAsPlainL2InStandardParameterization(double mu, bool nesterov, string center)
    {
        // The NTK network draws ω ~ N(0, 1) and uses W = m·ω (m = w_std/√fan_in, or b_std for a bias); the standard one draws
        // W ~ N(0, m²) from the same generator, so W0 = m·ω0 and both compute one function. Effective decay on ω adds λm²ω to
        // the gradient m·∂L/∂W, so m·ω follows W ← W − ηm²·(∂L/∂W + λW): the standard network under plain L2 λ with per-tensor
        // learning rates η·m² (momentum's velocity scales the same way). Both sides in float64: round-off of the draws' products
        // (1e-16) grown over ten steps stays far below 1e-10.
        var data = Regression(12, 3, 8);
        const double Eta = 0.5, Lambda = 0.4;
        const int Steps = 10;
        var decayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero;
        var effective = new OptimizerSpec(Eta, mu, nesterov) { WeightDecay = Lambda, DecayCenter = decayCenter, DecayForm = WeightDecayForm.Effective };
        using var scope = NewDisposeScope();
        using var ntk = Network.Create(Arch.Mlp(3, [16, 16], 2), 6, F64);
        using var standard = Network.Create(Arch.Mlp(3, [16, 16], 2, parameterization: "standard"), 6, F64);
        using var asDrawn = Network.Create(Arch.Mlp(3, [16, 16], 2), 6, F64);
        var two = new Dataset(data.Inputs, data.FeatureShape, data.Targets.SelectMany(y => new[] { y, -0.5 * y }).ToArray(), 2, null);
        using var tensors = TrainingData.From(two, null, F64);
        var squares = ntk.EffectiveDecayScales!;
        // m² per tensor: w_std²/fan_in for the weights (fan-ins 3, 16, 16), b_std² for the biases; none under standard parameterization.
        double[] expected = [2.25 / 3, 0.01, 2.25 / 16, 0.01, 2.25 / 16, 0.01];
        Assert.Equal(expected.Length, squares.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], squares[i], 1e-15);
        Assert.Null(standard.EffectiveDecayScales);
        new Trainer(new TrainingOptions(new MeanSquaredError(), effective, Steps, [Steps], 0)).Train(ntk, tensors);
        var plain = effective with { DecayForm = WeightDecayForm.Parameter };
        new Trainer(new TrainingOptions(new MeanSquaredError(), plain, Steps, [Steps], 0)).Train(asDrawn, tensors);
        using (var optimizer = plain.Create(standard.Parameters, rates: squares))
            for (int step = 0; step < Steps; step++)
            {
                new MeanSquaredError().Value(standard.Forward(tensors.X), tensors.Y, null).backward();
                optimizer.Step();
            }
        for (int i = 0; i < squares.Count; i++)
        {
            double m = Math.Sqrt(squares[i]), size = standard.Parameters[i].abs().max().ToDouble();
            double gap = (ntk.Parameters[i] * m - standard.Parameters[i]).abs().max().ToDouble();
            Assert.True(gap <= 1e-10 * size, $"tensor {i}: |m·ω − W| = {gap:G3} against |W| = {size:G3}");
            // Decay on ω as drawn is λ/m² on W instead: another trajectory wherever m² ≠ 1.
            double drawnGap = (asDrawn.Parameters[i] * m - standard.Parameters[i]).abs().max().ToDouble();
            Assert.True(drawnGap > 1e-4 * size, $"tensor {i}: decay on the parameters as drawn should differ ({drawnGap:G3})");
        }
    }

    [Theory]
    [InlineData(0.0, "zero")]
    [InlineData(0.1, "zero")]
    [InlineData(0.1, "init")]
    public void AdamFollowsItsBiasCorrectedMomentsWithDecoupledDecay(double lambda, string center)
    {
        // On L = ½θ², g = θ: θ ← θ − ηλ(θ − θ_c); m, v as Kingma & Ba; θ ← θ − η·m̂/(√v̂ + ε), bias corrections 1 − βᵗ.
        double eta = 0.05, beta1 = 0.8, beta2 = 0.95, eps = 1e-3, theta = 1.0, m = 0, v = 0, c = center == "init" ? 1.0 : 0.0;
        using var p = tensor(new[] { 1.0 }).requires_grad_(true);
        var spec = new OptimizerSpec(eta)
        {
            Adam = new AdamMoments(beta1, beta2, eps), WeightDecay = lambda,
            DecayCenter = center == "init" ? WeightDecayCenter.Init : WeightDecayCenter.Zero,
        };
        using var opt = spec.Create([p]);
        for (int t = 1; t <= 5; t++)
        {
            (0.5 * p.square().sum()).backward();
            opt.Step();
            double g = theta;
            theta -= eta * lambda * (theta - c);
            m = beta1 * m + (1 - beta1) * g;
            v = beta2 * v + (1 - beta2) * g * g;
            theta -= eta * (m / (1 - Math.Pow(beta1, t))) / (Math.Sqrt(v / (1 - Math.Pow(beta2, t))) + eps);
            Assert.Equal(theta, p.ToDouble(), 14);
        }
    }

    [Theory]
    [InlineData(null, 0.0)]
    [InlineData(4, 0.05)]
    public void AdamFusedIntoTheHandWrittenStepEqualsTorchAdamW(int? batch, double lambda)
    {
        // The network's hand-written step hands each gradient to Adam as it is produced; TorchSharp's own AdamW on autograd
        // gradients of the same batches is the oracle (same formula, other rounding).
        var data = Regression(12, 3, 6);
        using var scope = NewDisposeScope();
        using var trained = Network.Create(Arch.Mlp(3, [16, 16], 1), 5, F64);
        using var reference = Network.Create(Arch.Mlp(3, [16, 16], 1), 5, F64);
        using var tensors = TrainingData.From(data, null, F64);
        var spec = new OptimizerSpec(0.01, BatchSize: batch) { Adam = new AdamMoments(), WeightDecay = lambda };
        new Trainer(new TrainingOptions(new MeanSquaredError(), spec, 8, [8], 3)).Train(trained, tensors);
        var parameters = reference.Parameters.Select(t => new TorchSharp.Modules.Parameter(t.detach().clone())).ToArray();
        var adamW = optim.AdamW(parameters, 0.01, weight_decay: lambda);
        var schedule = new BatchSchedule(tensors.Count, batch, 3);
        for (int step = 0; step < 8; step++)
        {
            var rows = schedule.Next();
            var (x, y) = rows is null ? (tensors.X, tensors.Y)
                : (tensors.X.index_select(0, tensor(rows)), tensors.Y.index_select(0, tensor(rows)));
            adamW.zero_grad();
            new MeanSquaredError().Value(reference.Forward(x, parameters), y, null).backward();
            adamW.step();
        }
        for (int i = 0; i < parameters.Length; i++)
            Assert.True((trained.Parameters[i] - parameters[i]).abs().max().ToDouble() < 1e-12,
                $"parameter {i}: {(trained.Parameters[i] - parameters[i]).abs().max().ToDouble():G3}");
    }

    [Fact]
    public void MinibatchesCoverEachEpochOnceAndDependOnTheSeed()
    {
        var s = new BatchSchedule(10, 5, 3);
        var epoch = s.Next()!.Concat(s.Next()!).OrderBy(i => i).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch);
        Assert.NotEqual(new BatchSchedule(10, 5, 3).Next(), new BatchSchedule(10, 5, 4).Next());
        Assert.Null(new BatchSchedule(10, null, 3).Next());
    }

    [Fact]
    public void LogSpacedCheckpointsStartAtZeroAndEndAtTheLastStep()
    {
        var c = CheckpointSchedule.LogSpaced(1000, 3);
        Assert.Equal(0, c[0]);
        Assert.Equal(1000, c[^1]);
        Assert.Contains(10, c);
        Assert.Contains(100, c);
        Assert.True(c.Zip(c.Skip(1)).All(p => p.First < p.Second));
    }
}
