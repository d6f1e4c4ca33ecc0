// NTK quickstart: a wide ReLU network's empirical NTK at initialization against the analytic NTK of the same architecture
// (its infinite-width limit), then the network and its linearization f_lin(x) = f(x; θ0) + J0(x)·(θ − θ0) trained side by
// side by gradient descent (Lee et al. 2019): at large width the two stay close.
using LinearizationLab.Analytic;
using LinearizationLab.Architecture;
using LinearizationLab.Configuration;
using LinearizationLab.Data;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Linearization;
using LinearizationLab.Networks;
using LinearizationLab.Training;

int width = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1024;
const int steps = 50;

// Two hidden ReLU layers of `width` units in the NTK parameterization (neural-tangents stax conventions), 8 inputs, 1 output.
var arch = ArchitectureReader.Read(JsonSection.Parse($$"""
    { "input_shape": [8], "parameterization": "ntk", "layers": [
        { "type": "dense", "width": {{width}}, "w_std": 1.414, "b_std": 0.1 }, { "type": "relu" },
        { "type": "dense", "width": {{width}}, "w_std": 1.414, "b_std": 0.1 }, { "type": "relu" },
        { "type": "dense", "width": 1, "w_std": 1.0, "b_std": 0.0 } ] }
    """, "arch.json"));

// 16 training and 16 test points uniform on the sphere of radius √8, with targets from a random teacher network.
var (train, test) = SphereTeacherSet.Create(trainSize: 16, testSize: 16, new TeacherNetwork(inputDimension: 8, seed: 7), seed: 0);
var settings = TensorSettings.CpuFloat64;
using var data = TrainingData.From(train, test, settings);
using var network = Network.Create(arch, seed: 0, settings);

// Θ̂0(X, X), the empirical NTK at θ0, against Θ(X, X), the analytic NTK at infinite width.
var ntk = new EmpiricalNtk(network);
var empirical = ntk.Compute(data.X, null, NtkMethod.Structured);
var analytic = AnalyticKernels.Compute(arch, CsvMatrix.FromRowMajor(train.Inputs, train.Count, train.FeatureSize));
Console.WriteLine($"width {width}, {network.ParameterCount} parameters");
Console.WriteLine($"NTK distance ‖Θ̂0 − Θ‖_F/‖Θ‖_F = {MatrixDistance.RelativeFrobenius(empirical.Averaged, analytic.Ntk):F4}");

// The linearization at θ0, and both models trained by full-batch gradient descent on ½·MSE at η = η_crit/2,
// where η_crit = 2N/λ_max(Θ̂0). The linearization is trained first: it keeps its own copy of θ0.
using var linearized = new LinearizedNetwork(network);
double eta = 0.5 * CriticalLearningRate.Of(ntk, data.X, empirical);
var trainer = new Trainer(new TrainingOptions(new MeanSquaredError(), new OptimizerSpec(eta), steps, Checkpoints: [steps], Seed: 0));
var linearResult = trainer.Train(linearized, data);
var networkResult = trainer.Train(network, data);

double gap = MatrixDistance.Rmse(trainer.PredictValues(network, data.TestX), trainer.PredictValues(linearized, data.TestX));
double scale = MatrixDistance.Rms(trainer.PredictValues(network, data.TestX));
Console.WriteLine($"after {steps} steps at η = {eta:F4}: train loss {networkResult.Checkpoints[^1].TrainLoss:G3} (network), " +
                  $"{linearResult.Checkpoints[^1].TrainLoss:G3} (linearization)");
Console.WriteLine($"output gap RMSE(f, f_lin) on the test points = {gap:G3}, {gap / scale:P1} of RMS(f)");
