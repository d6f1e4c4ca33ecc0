using LinearizationLab.Experiments;

namespace LinearizationLab.Tests.Experiments;

public sealed class SweepComparisonTests
{
    private static SweepRunResult Run(int width, long seed, double[] losses, double[] accuracies, bool diverged = false,
        IReadOnlyDictionary<string, string>? point = null) => new()
    {
        Width = width,
        Seed = seed,
        Diverged = diverged,
        Point = point,
        Checkpoints = [.. losses.Select((loss, i) => new SweepCheckpoint(5 * i,
        [
            ("network_test_loss", loss), ("network_test_accuracy", accuracies[i]),
            ("linearized_test_loss", 2 * loss), ("linearized_test_accuracy", double.NaN),
            ("nngp_test_loss", 0.25), ("nngp_test_accuracy", 0.8),
        ]))],
    };

    [Fact]
    public void TheTableForPeopleShowsAccuracyInPercentAndOnlyThePredictorsThatExist()
    {
        SweepRunResult[] runs =
        [
            Run(16, 0, [0.5, 0.3], [0.1, 0.5], point: new Dictionary<string, string> { ["center"] = "true" }),
            Run(16, 1, [0.6, 0.1], [0.2, 0.7], point: new Dictionary<string, string> { ["center"] = "true" }),
        ];
        var rows = SweepComparison.Build(runs);
        var (header, body) = SweepComparison.Table(rows);
        // No ensemble, no NTK-GP, and the linearization has losses only: its accuracy column would be empty, so it is left out.
        Assert.Equal(["grid point", "width", "seeds", "network", "network, best step", "NNGP"], header);
        Assert.Equal(["center=true", "16", "2", "60.0 ± 14.1", "60.0 ± 14.1", "80.0"], body.Single());
        Assert.Equal("test accuracy (%)", SweepComparison.TableQuantity(rows));
        string text = SweepComparison.Text(rows);
        Assert.StartsWith("finite vs infinite: test accuracy (%) at the last checkpoint (step 5)", text);
        Assert.Contains("60.0 ± 14.1", text);
        // Without labels the cells are test losses.
        var regression = SweepComparison.Build([Run(8, 0, [0.5, 0.25], [double.NaN, double.NaN])]);
        Assert.Equal("test loss", SweepComparison.TableQuantity(regression));
        Assert.Equal(["8", "1", "0.25", "0.25", "0.5", "0.25"], SweepComparison.Table(regression).Rows.Single());
    }

    [Fact]
    public void EachWidthAveragesTheLastAndTheBestCheckpointOverTheSeedsThatFinished()
    {
        SweepRunResult[] runs =
        [
            Run(16, 0, [0.5, 0.2, 0.3], [0.1, 0.6, 0.5]),
            Run(16, 1, [0.6, 0.4, 0.1], [0.2, 0.4, 0.7]),
            Run(16, 2, [0.9, 9, 99], [0.0, 0.0, 0.0], diverged: true),
            Run(32, 0, [0.4, 0.3, 0.2], [0.3, 0.5, 0.6]),
        ];
        EnsembleCheckpoint[] ensemble =
        [
            new("", 16, 0, 2, 0.4, 0.3, null, 0.55, 0.15), new("", 16, 5, 2, 0.15, 0.7, null, 0.3, 0.5),
            new("", 16, 10, 2, 0.18, 0.65, null, 0.2, 0.6),
        ];
        var rows = SweepComparison.Build(runs, ensemble);
        Assert.Equal([16, 32], rows.Select(r => r.Width));
        var w16 = rows[0];
        Assert.Equal((10, 2), (w16.Step, w16.Seeds));   // the diverged seed is left out
        // Last checkpoint: losses 0.3 and 0.1, accuracies 0.5 and 0.7 → means 0.2 and 0.6, sample deviations 0.1·√2.
        Assert.Equal(0.2, w16.Network!.Loss!.Value, 1e-15);
        Assert.Equal(0.6, w16.Network.Accuracy!.Value, 1e-15);
        Assert.Equal(0.1 * Math.Sqrt(2), w16.Network.LossSd!.Value, 1e-15);
        Assert.Equal(0.1 * Math.Sqrt(2), w16.Network.AccuracySd!.Value, 1e-15);
        // Best over checkpoints, each run on its own: min losses 0.2 and 0.1, max accuracies 0.6 and 0.7.
        Assert.Equal(0.15, w16.NetworkBest!.Loss!.Value, 1e-15);
        Assert.Equal(0.65, w16.NetworkBest.Accuracy!.Value, 1e-15);
        // A NaN (here the linearization's accuracy) is no value; the ensemble's last step and its best; the width-free scores.
        Assert.Equal(0.4, w16.Linearized!.Loss!.Value, 1e-15);
        Assert.Null(w16.Linearized.Accuracy);
        Assert.Equal(new TestScore(0.18, 0.65), w16.Ensemble);
        Assert.Equal(new TestScore(0.15, 0.7), w16.EnsembleBest);
        Assert.Equal(2, w16.EnsembleMembers);
        Assert.Equal(new TestScore(0.25, 0.8), w16.Nngp);
        Assert.Null(w16.NtkGp);
        // One seed: no deviation; no ensemble rows for this width.
        Assert.Null(rows[1].Network!.LossSd);
        Assert.Null(rows[1].Ensemble);
    }

    [Fact]
    public void TheTableHasTheGridAxesThenOneColumnPerModelAndQuantity()
    {
        var point = new Dictionary<string, string> { ["center"] = "true" };
        string csv = SweepComparison.Csv(SweepComparison.Build([Run(16, 0, [0.5, 0.25], [0.1, 0.5], point: point)]));
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.StartsWith("center,width,seeds,step,ensemble_members,network_test_loss,network_test_loss_sd,network_test_accuracy,network_test_accuracy_sd,"
            + "network_best_test_loss,", lines[0]);
        Assert.EndsWith("ntkgp_infinity_test_loss,ntkgp_infinity_test_accuracy,nngp_test_loss,nngp_test_accuracy", lines[0]);
        Assert.Equal(lines[0].Split(',').Length, lines[1].Split(',').Length);
        Assert.StartsWith("true,16,1,5,,0.25,,0.5,,0.25,,0.5,,", lines[1]);
        Assert.EndsWith(",0.25,0.8", lines[1]);
    }
}
