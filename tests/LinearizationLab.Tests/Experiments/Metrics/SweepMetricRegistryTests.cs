using System.Reflection;
using System.Text.Json;
using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Tests.Experiments.Metrics;

[Collection("TorchSharp")]
public sealed class SweepMetricRegistryTests
{
    /// <summary>
    /// The names of one checkpoint of an MSE sweep on unlabelled data with a test set, three affine layers,
    /// <c>taylor_orders</c> [1, 2, 3] and <c>hierarchy</c>, in run-file order as they were before metrics were units
    /// (SweepCheckpoint.Values of that time): the column order of every committed run file.
    /// </summary>
    private static readonly string[] FileOrder =
    [
        "network_train_loss", "network_train_accuracy", "network_test_loss", "network_test_accuracy",
        "linearized_train_loss", "linearized_train_accuracy", "linearized_test_loss", "linearized_test_accuracy",
        "weight_change", "kernel_drift", "kernel_drift_layer1", "kernel_drift_layer2", "kernel_drift_layer3",
        "ntk_init_distance", "nngp_init_distance",
        "output_rmse_train", "output_relative_rmse_train", "output_rmse_test", "output_relative_rmse_test",
        "loss_rise", "top_eigenvalue_ratio",
        "taylor2_train_loss", "taylor2_train_accuracy", "taylor2_test_loss", "taylor2_test_accuracy",
        "output_rmse_train_order2", "output_rmse_test_order2", "kernel_drift_order2",
        "taylor3_train_loss", "taylor3_train_accuracy", "taylor3_test_loss", "taylor3_test_accuracy",
        "output_rmse_train_order3", "output_rmse_test_order3", "kernel_drift_order3",
        "kernel_velocity", "kernel_drift_predicted", "output_rmse_train_hierarchy", "kernel_drift_hierarchy",
        "ntkgp_train_loss", "ntkgp_test_loss",
        "feature_movement_layer1", "feature_movement_layer2",
        "preactivation_rms_layer1", "preactivation_rms_layer2", "preactivation_rms_layer3",
        "preactivation_change_rms_layer1", "preactivation_change_rms_layer2", "preactivation_change_rms_layer3",
        "linearized_weight_change",
        "nngp_test_loss", "ntkgp_infinity_test_loss",
    ];

    /// <summary>The metrics of the library, in run-file order.</summary>
    private static readonly Type[] Registered =
    [
        typeof(NetworkLossAndAccuracyMetric), typeof(LinearizedLossAndAccuracyMetric), typeof(WeightChangeMetric), typeof(KernelDriftMetric),
        typeof(LayerKernelDriftMetric), typeof(NtkInitDistanceMetric), typeof(NngpInitDistanceMetric), typeof(OutputGapMetric),
        typeof(LossRiseMetric), typeof(TopEigenvalueRatioMetric), typeof(TaylorModelsMetric), typeof(KernelVelocityMetric),
        typeof(KernelDriftPredictedMetric), typeof(HierarchyOutputGapMetric), typeof(HierarchyKernelDriftMetric), typeof(NtkGpLossAndAccuracyMetric),
        typeof(FeatureMovementMetric), typeof(LinearizedWeightChangeMetric), typeof(InfiniteWidthTestMetric),
    ];

    /// <summary>A metric outside the library: the registry looks into the library's assembly only, so it is not recorded.</summary>
    private sealed class TestAssemblyMetric : SweepMetric
    {
        public override IReadOnlyList<SweepMetricName> Names { get; } = [new("test_assembly_metric")];

        public override IEnumerable<(string Name, double? Value)> Compute(CheckpointView view) => [("test_assembly_metric", 1)];
    }

    [Fact]
    public void TheRegistryFindsEveryMetricOfTheLibraryInFileOrderAndEachHasItsOwnPlace()
    {
        Assert.Equal(Registered, SweepMetricRegistry.Metrics.Select(m => m.GetType()));
        var orders = SweepMetricRegistry.Metrics.Select(m => m.GetType().GetCustomAttribute<SweepMetricOrderAttribute>()?.Order).ToArray();
        Assert.All(orders, o => Assert.NotNull(o));
        Assert.Equal(orders.Length, orders.Distinct().Count());
    }

    [Fact]
    public void AMetricDefinedOutsideTheLibraryIsNotRegisteredAndItsNameIsNotARunFileName()
    {
        Assert.DoesNotContain(SweepMetricRegistry.Metrics, m => m is TestAssemblyMetric);
        Assert.Null(SweepMetricRegistry.Find("test_assembly_metric"));
        var e = Assert.Throws<JsonException>(() => SweepCheckpoint.FromValues(0, [("test_assembly_metric", 1)]));
        Assert.Contains("unknown metric", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNameHasExactlyOneMetricAndPatternsAreUnique()
    {
        var patterns = SweepMetricRegistry.Metrics.SelectMany(m => m.Names).Select(n => n.Pattern).ToArray();
        Assert.Equal(patterns.Length, patterns.Distinct().Count());
        foreach (string name in FileOrder.Append("kernel_drift_layer12").Append("network_test_accuracy"))
            Assert.Single(SweepMetricRegistry.Metrics, m => m.Owns(name));
        Assert.Null(SweepMetricRegistry.Find("output_rmse_validation"));
        Assert.Null(SweepMetricRegistry.Find("kernel_drift_layer"));
    }

    [Fact]
    public void TheSlopeTableFitsTheFixedMetricsInTheirOrderThenTheComparatorsThenTheLayersByName()
    {
        // Two widths with every value 1/width: every fitted name gets a fit, in the slope table's order.
        var runs = new[] { 16, 64 }.Select(width => new SweepRunResult
        {
            Width = width,
            Checkpoints = [new SweepCheckpoint(6, FileOrder.Select(name => (name, (double?)(1.0 / width))))],
        }).ToArray();
        string[] expected =
        [
            "kernel_drift", "output_rmse_train", "output_rmse_test", "output_relative_rmse_test", "linearized_weight_change", "weight_change",
            "ntk_init_distance",
            "nngp_init_distance", "kernel_velocity",
            "kernel_drift_hierarchy", "kernel_drift_order2", "kernel_drift_order3", "output_rmse_test_order2", "output_rmse_test_order3",
            "output_rmse_train_hierarchy", "output_rmse_train_order2", "output_rmse_train_order3",
            "feature_movement_layer1", "feature_movement_layer2", "kernel_drift_layer1", "kernel_drift_layer2", "kernel_drift_layer3",
        ];
        var fits = SweepSummary.Build(runs).Fits;
        Assert.Equal(expected, fits.Select(f => f.Metric));
        Assert.All(fits, f => Assert.Equal(-1, f.Slope, 1e-12));   // log(1/n) against log n: slope −1 to round-off
    }

    [Fact]
    public void ARunWithEveryComparatorWritesTheColumnsInTheirOrderAndEveryMetricStatesItsStepZeroFact()
    {
        var spec = SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(widths: "[16]", seeds: "1",
            extra: """, "taylor_orders": [1, 2, 3], "hierarchy": true"""), "sweep.json"));
        var context = SweepContext.Create(spec);
        var dir = Directory.CreateTempSubdirectory("metrics-");
        try
        {
            var run = new SweepRunner(context, dir.FullName).RunOne(context.Spec.Runs[0]);
            Assert.All(run.Checkpoints, c => Assert.Equal(FileOrder, c.Values.Select(v => v.Name)));
            var start = run.Checkpoints[0];
            // At step 0 every model is f(θ0), every kernel Θ̂0 and no loss has been seen but the first.
            foreach (string zero in new[]
                     {
                         "weight_change", "linearized_weight_change", "kernel_drift", "kernel_drift_layer1", "kernel_drift_layer2", "kernel_drift_layer3",
                         "output_rmse_train", "output_relative_rmse_train", "output_rmse_test", "output_relative_rmse_test",
                         "output_rmse_train_order2", "output_rmse_train_order3",
                         "kernel_drift_predicted", "kernel_drift_hierarchy",
                         "feature_movement_layer1", "feature_movement_layer2", "preactivation_change_rms_layer1", "preactivation_change_rms_layer3",
                     })
                Assert.True(start[zero] == 0, $"{zero} = {start[zero]} at step 0");
            // The Taylor models' kernels at θ0 and the hierarchy's outputs at τ = 0 are Θ̂0 and f(θ0) by other computations: round-off.
            foreach (string small in new[] { "output_rmse_test_order2", "output_rmse_test_order3", "kernel_drift_order2", "kernel_drift_order3", "output_rmse_train_hierarchy" })
                Assert.Equal(0, start[small]!.Value, 1e-12);
            Assert.Equal(1, start["loss_rise"]);
            Assert.Equal(1, start["top_eigenvalue_ratio"]);
            Assert.Equal(start["network_train_loss"]!.Value, start["taylor3_train_loss"]!.Value, 1e-12);
            Assert.True(start["kernel_velocity"] > 0);
            // The first layer's pre-activations have RMS w_std·‖x‖/√d·… of order 1; training moves the features.
            Assert.InRange(start["preactivation_rms_layer1"]!.Value, 0.3, 3);
            Assert.True(run.Checkpoints[^1]["feature_movement_layer2"] > 0);
            Assert.Equal(run.NtkInitDistance, start["ntk_init_distance"]);
            Assert.All(run.Checkpoints, c => Assert.Equal(run.NngpInitDistance, c["nngp_init_distance"]));
            // The infinite-width predictors do not train: the same numbers at every checkpoint, the context's.
            Assert.All(run.Checkpoints, c => Assert.Equal(context.InfiniteWidthTest!.Nngp.Loss, c["nngp_test_loss"]));
            Assert.All(run.Checkpoints, c => Assert.Equal(context.InfiniteWidthTest!.NtkGpInfinity.Loss, c["ntkgp_infinity_test_loss"]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
