using System.Text.Json;
using LinearizationLab.Experiments;
using LinearizationLab.Experiments.Metrics;

namespace LinearizationLab.Tests.Experiments;

public sealed class SweepCheckpointTests
{
    // A checkpoint as run files hold it: unlabelled MSE data with a test set, an NTK-GP without accuracies.
    private const string Row = """
        {"step":30,"network_train_loss":0.5,"network_train_accuracy":null,"network_test_loss":0.25,"network_test_accuracy":null,"linearized_train_loss":0.125,"linearized_train_accuracy":null,"linearized_test_loss":"NaN","linearized_test_accuracy":null,"weight_change":0.01,"kernel_drift":0.02,"kernel_drift_layer1":0.03,"kernel_drift_layer2":0.04,"ntk_init_distance":0.6,"nngp_init_distance":0.4,"output_rmse_train":0.001,"output_relative_rmse_train":0.002,"output_rmse_test":0.003,"output_relative_rmse_test":0.004,"ntkgp_train_loss":0.7,"ntkgp_test_loss":0.8}
        """;

    private static readonly JsonSerializerOptions Compact = new(SweepStore.Json) { WriteIndented = false };

    private static string Model(string model, string quantity, string split) => LossAndAccuracyMetric.NameOf(model, quantity, split);

    [Fact]
    public void ARunFileRowReadsIntoNamedValuesAndWritesBackByteForByte()
    {
        var c = JsonSerializer.Deserialize<SweepCheckpoint>(Row, Compact)!;
        Assert.Equal(30, c.Step);
        Assert.Equal(0.02, c[KernelDriftMetric.Name]);
        Assert.Equal([0.03, 0.04], [c[LayerKernelDriftMetric.NameOf(1)], c[LayerKernelDriftMetric.NameOf(2)]]);
        Assert.Null(c[LayerKernelDriftMetric.NameOf(3)]);
        Assert.True(double.IsNaN(c[Model("linearized", "loss", "test")]!.Value));
        Assert.True(c.Contains(Model("network", "accuracy", "train")));
        Assert.Null(c[Model("network", "accuracy", "train")]);
        Assert.Equal([0.7, 0.8], [c[Model("ntkgp", "loss", "train")], c[Model("ntkgp", "loss", "test")]]);
        Assert.False(c.Contains(Model("ntkgp", "accuracy", "train")));
        Assert.Equal(Row.Trim(), JsonSerializer.Serialize(c, Compact));   // nulls stay null, absent stays absent
    }

    [Fact]
    public void TaylorModelsAndTheKernelVelocityReadBackByteForByte()
    {
        // A row of a sweep with taylor_orders [1, 3] (no order 2): its f_3 metrics after the linearization's, then the velocity.
        string row = Row.Trim().Replace(",\"ntkgp_train_loss\"", ",\"taylor3_train_loss\":0.11,\"taylor3_train_accuracy\":null,\"taylor3_test_loss\":0.12,\"taylor3_test_accuracy\":null,\"output_rmse_train_order3\":1E-05,\"output_rmse_test_order3\":2E-05,\"kernel_drift_order3\":0.021,\"kernel_velocity\":0.5,\"kernel_drift_predicted\":1.5,\"ntkgp_train_loss\"");
        var c = JsonSerializer.Deserialize<SweepCheckpoint>(row, Compact)!;
        Assert.Equal([3], TaylorModelsMetric.OrdersIn(c));
        Assert.Equal([0.11, null, 0.12, null],
            [c[Model("taylor3", "loss", "train")], c[Model("taylor3", "accuracy", "train")], c[Model("taylor3", "loss", "test")], c[Model("taylor3", "accuracy", "test")]]);
        Assert.Equal([1e-5, 2e-5, 0.021], [c[TaylorModelsMetric.OutputRmse("train", 3)], c[TaylorModelsMetric.OutputRmse("test", 3)], c[TaylorModelsMetric.KernelDrift(3)]]);
        Assert.Equal(0.5, c[KernelVelocityMetric.Name]);
        Assert.Equal(1.5, c[KernelDriftPredictedMetric.Name]);
        Assert.Equal(2e-5, c[TaylorModelsMetric.OutputRmse("test", 3)]);
        Assert.Equal(row, JsonSerializer.Serialize(c, Compact));
    }

    [Fact]
    public void ValuesNameEveryMetricInFileOrderAndTheIndexerReadsThem()
    {
        var c = JsonSerializer.Deserialize<SweepCheckpoint>(Row, Compact)!;
        var names = JsonDocument.Parse(Row).RootElement.EnumerateObject().Select(p => p.Name).Skip(1);
        Assert.Equal(names, c.Values.Select(v => v.Name));
        Assert.Equal(0.02, c[KernelDriftMetric.Name]);
        Assert.Equal(0.04, c[LayerKernelDriftMetric.NameOf(2)]);
        Assert.Null(c["ntkgp_test_accuracy"]);
    }

    [Fact]
    public void WithoutATestSetOrAnNtkGpTheirMetricsAreLeftOut()
    {
        var row = JsonSerializer.Deserialize<SweepCheckpoint>(Row, Compact)!;
        var c = new SweepCheckpoint(row.Step, row.Values.Where(v => !v.Name.StartsWith("ntkgp_", StringComparison.Ordinal)
            && v.Name is not (OutputGapMetric.RmseTest or OutputGapMetric.RelativeRmseTest)));
        string json = JsonSerializer.Serialize(c, Compact);
        Assert.DoesNotContain("output_rmse_test", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ntkgp", json, StringComparison.Ordinal);
        Assert.Contains("\"network_test_accuracy\":null", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<SweepCheckpoint>(json, Compact), Compact));
    }

    [Fact]
    public void AnUnknownOrMissingMetricIsNotARun()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SweepCheckpoint>(Row.Replace("\"kernel_drift\":", "\"kernel_drift_x\":", StringComparison.Ordinal), Compact));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SweepCheckpoint>(Row.Replace("\"step\":30,", "", StringComparison.Ordinal), Compact));
    }
}
