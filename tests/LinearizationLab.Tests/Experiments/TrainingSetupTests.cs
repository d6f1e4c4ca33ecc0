using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Tests.Data;

namespace LinearizationLab.Tests.Experiments;

public sealed class TrainingSetupTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(""", "loss": "cross_entropy" """, "loss", "cross_entropy needs class labels but data source Sphere is a regression set")]
    [InlineData(""", "checkpoints": [0, 7] """, "checkpoints", "step 7 is beyond steps (6)")]
    [InlineData(""", "dtype": "float16" """, "dtype", "not one of")]
    public void A_run_and_a_sweep_reject_a_shared_field_with_the_same_error(string extra, string field, string reason)
    {
        string sweep = SweepSpecTests.Json(extra: extra);
        string run = sweep.Replace("\"name\": \"tiny\",", "").Replace("\"widths\": [16, 32], \"seeds\": 2,", "");

        var fromSweep = Assert.Throws<InvalidInputException>(() => SweepSpec.Read(JsonSection.Parse(sweep, "c.json")));
        var fromRun = Assert.Throws<InvalidInputException>(() => RunConfig.Read(JsonSection.Parse(run, "c.json")));

        Assert.Equal((field, fromSweep.Reason), (fromRun.Field, fromRun.Reason));
        Assert.Equal(field, fromSweep.Field);
        Assert.Contains(reason, fromSweep.Reason);
    }

    [Fact]
    public void AnArchPathIsResolvedAgainstTheConfigOnceAndAnInlineArchHasNone()
    {
        Directory.CreateDirectory(_dir.File("archs"));
        File.WriteAllText(_dir.File("archs/a.json"), SweepSpecTests.Arch);
        string inline = SweepSpecTests.Json();
        string byPath = SweepSpecTests.Json(arch: "\"archs/a.json\"");

        var fromFile = TrainingSetup.Read(JsonSection.Parse(byPath, _dir.File("sweep.json")), minSteps: 1, checkpointsPerDecade: 4);
        var fromInline = TrainingSetup.Read(JsonSection.Parse(inline, _dir.File("sweep.json")), minSteps: 1, checkpointsPerDecade: 4);

        Assert.Equal(_dir.File("archs/a.json"), fromFile.ArchFile);
        Assert.Null(fromInline.ArchFile);
        Assert.Equal(fromInline.Arch.OutputCount, fromFile.Arch.OutputCount);
    }

    [Theory]
    [InlineData("\"weight_decay\": -0.1", "optimizer.weight_decay", "at least 0")]
    [InlineData("\"weight_decay_center\": \"init\"", "optimizer.weight_decay_center", "needs a weight_decay above 0")]
    [InlineData("\"weight_decay\": 0.1, \"weight_decay_center\": \"origin\"", "optimizer.weight_decay_center", "not one of")]
    [InlineData("\"weight_decay_form\": \"effective\"", "optimizer.weight_decay_form", "needs a weight_decay above 0")]
    [InlineData("\"weight_decay\": 0.1, \"weight_decay_form\": \"layerwise\"", "optimizer.weight_decay_form", "not one of")]
    [InlineData("\"beta2\": 1", "optimizer.beta2", "below 1")]
    [InlineData("\"momentum\": 0.9", "optimizer.momentum", "unknown field")]
    public void WeightDecayFieldsAreChecked(string fields, string field, string reason)
    {
        string json = SweepSpecTests.Json().Replace("\"learning_rate_fraction\": 0.5}", $"\"learning_rate_fraction\": 0.5, {fields}}}");
        if (field is "optimizer.beta2" or "optimizer.momentum")
            json = SweepSpecTests.Json().Replace("{\"type\": \"gd\", \"learning_rate_fraction\": 0.5}", $"{{\"type\": \"adam\", \"learning_rate\": 0.01, {fields}}}");
        var e = Assert.Throws<InvalidInputException>(() => SweepSpec.Read(JsonSection.Parse(json, "c.json")));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void AdamNeedsAnAbsoluteLearningRateAndParameterSpace()
    {
        string adam = SweepSpecTests.Json().Replace("\"type\": \"gd\"", "\"type\": \"adam\"");
        var e = Assert.Throws<InvalidInputException>(() => SweepSpec.Read(JsonSection.Parse(adam, "c.json")));
        Assert.Equal("optimizer.learning_rate_fraction", e.Field);
        string absolute = adam.Replace("\"learning_rate_fraction\": 0.5", "\"learning_rate\": 0.01, \"batch_size\": 4");
        var optimizer = SweepSpec.Read(JsonSection.Parse(absolute, "c.json")).Setup.Optimizer;
        Assert.Equal(("adam", new LinearizationLab.Training.AdamMoments(), 4), (optimizer.Kind, optimizer.Adam, optimizer.BatchSize));
        Assert.False(optimizer.IsLinearInGradient);
        string functionSpace = absolute.Replace("\"steps\": 6", "\"steps\": 6, \"linearization\": \"function_space\"");
        e = Assert.Throws<InvalidInputException>(() => SweepSpec.Read(JsonSection.Parse(functionSpace, "c.json")));
        Assert.Equal("linearization", e.Field);
        Assert.Contains("not adam", e.Reason);
    }

    [Fact]
    public void WeightDecayIsReadWithItsCenter()
    {
        string json = SweepSpecTests.Json().Replace("\"type\": \"gd\"", "\"type\": \"gd\", \"weight_decay\": 0.01, \"weight_decay_center\": \"init\"");
        var optimizer = SweepSpec.Read(JsonSection.Parse(json, "c.json")).Setup.Optimizer;
        Assert.Equal((0.01, LinearizationLab.Training.WeightDecayCenter.Init), (optimizer.WeightDecay, optimizer.DecayCenter));
        Assert.False(optimizer.IsPlainGradientDescent);
    }

    [Fact]
    public void EffectiveWeightDecayIsReadAndRefusesFunctionSpaceWhereItsFactorsDifferPerLayer()
    {
        string json = SweepSpecTests.Json().Replace("\"type\": \"gd\"", "\"type\": \"gd\", \"weight_decay\": 0.01, \"weight_decay_form\": \"effective\"");
        var optimizer = SweepSpec.Read(JsonSection.Parse(json, "c.json")).Setup.Optimizer;
        Assert.Equal(LinearizationLab.Training.WeightDecayForm.Effective, optimizer.DecayForm);
        Assert.Equal(LinearizationLab.Training.WeightDecayForm.Parameter,
            SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(), "c.json")).Setup.Optimizer.DecayForm);
        // NTK parameterization: each layer decays by w_std²/fan_in (or b_std²), which function space cannot follow.
        string functionSpace = json.Replace("\"steps\": 6", "\"steps\": 6, \"linearization\": \"function_space\"");
        var e = Assert.Throws<InvalidInputException>(() => SweepSpec.Read(JsonSection.Parse(functionSpace, "c.json")));
        Assert.Equal("linearization", e.Field);
        Assert.Contains("weight_decay_form", e.Reason);
        e = Assert.Throws<InvalidInputException>(() => RunConfig.Read(JsonSection.Parse(
            functionSpace.Replace("\"name\": \"tiny\",", "").Replace("\"widths\": [16, 32], \"seeds\": 2,", ""), "c.json")));
        Assert.Equal("linearization", e.Field);
        // Standard parameterization multiplies nothing: effective decay is plain L2 there, and function space applies.
        string standard = functionSpace.Replace("{\"input_shape\":[4],", "{\"input_shape\":[4],\"parameterization\":\"standard\",");
        Assert.Equal(LinearizationLab.Linearization.LinearizationSpace.FunctionSpace,
            SweepSpec.Read(JsonSection.Parse(standard, "c.json")).Setup.LinearizationSpace);
    }

    [Fact]
    public void ASweepAlwaysCheckpointsTheFirstAndLastStep()
    {
        var spec = SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(extra: """, "checkpoints": [3] """), "c.json"));

        Assert.Equal([0, 3, 6], spec.Setup.Checkpoints);
    }
}
