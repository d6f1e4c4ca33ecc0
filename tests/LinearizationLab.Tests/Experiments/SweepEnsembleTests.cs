using LinearizationLab.Configuration;
using LinearizationLab.Experiments;
using LinearizationLab.Runs;

namespace LinearizationLab.Tests.Experiments;

[Collection("TorchSharp")]
public sealed class SweepEnsembleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ensemble-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>K copies of one member are that member: the ensemble's loss and accuracy are its own.</summary>
    [Fact]
    public void AnEnsembleOfIdenticalMembersIsOneRun()
    {
        var outputs = new double[,] { { 0.1, 0.9, -0.2, 0.4, 0.3, 0.0 } };   // one checkpoint, M = 3, O = 2
        var targets = new double[,] { { 0, 1 }, { 1, 0 }, { 0, 1 } };
        foreach (bool crossEntropy in new[] { false, true })
        {
            var one = SweepEnsemble.Checkpoint([outputs], null, targets, 0, crossEntropy);
            var three = SweepEnsemble.Checkpoint([outputs, outputs, outputs], null, targets, 0, crossEntropy);
            Assert.Equal(one.MemberTestLoss, three.TestLoss, 1e-15);
            Assert.Equal(one.TestLoss, three.TestLoss, 1e-15);
            Assert.Equal(1.0 / 3, three.TestAccuracy);   // only the first example's larger output is its class
            Assert.Equal(3, three.Members);
        }
        // Two members that err in opposite directions average to the targets: loss 0 though each member's is not.
        var up = new double[,] { { 0.5, 1.5, 1.5, 0.5, 0.5, 1.5 } };
        var down = new double[,] { { -0.5, 0.5, 0.5, -0.5, -0.5, 0.5 } };
        var pair = SweepEnsemble.Checkpoint([up, down], null, targets, 0, crossEntropy: false);
        Assert.Equal(0, pair.TestLoss, 1e-15);
        Assert.Equal(0.25, pair.MemberTestLoss, 1e-15);   // ½·(2 × 0.5²) per example
    }

    /// <summary>The ensemble is computed from the runs' files, so two shards into one folder give the unsharded table exactly.</summary>
    [Fact]
    public void ShardedAndUnshardedSweepsGiveTheSameEnsembles()
    {
        var spec = SweepSpec.Read(JsonSection.Parse(SweepSpecTests.Json(seeds: "3", extra: """, "ensemble": 2"""), "sweep.json"));
        new WidthSweep(spec, Path.Combine(_dir, "whole")).Run();
        var sharded = new WidthSweep(spec, Path.Combine(_dir, "sharded"));
        sharded.Run(ShardAssignment.Parse("0/2"));
        sharded.Run(ShardAssignment.Parse("1/2"));
        string whole = File.ReadAllText(Path.Combine(_dir, "whole", SweepEnsemble.FileName));
        Assert.Equal(whole, File.ReadAllText(Path.Combine(_dir, "sharded", SweepEnsemble.FileName)));
        var rows = SweepEnsemble.Evaluate(Path.Combine(_dir, "whole"), 2, crossEntropy: false);
        Assert.All(rows, r => Assert.Equal(2, r.Members));
        Assert.Equal(2 * spec.Setup.Checkpoints.Count, rows.Count);   // two widths
        // The mean of two members is never worse in MSE than their average (Jensen), and the NTK-GP distance is there (GD on MSE).
        Assert.All(rows, r => Assert.True(r.TestLoss <= r.MemberTestLoss + 1e-15));
        Assert.All(rows, r => Assert.NotNull(r.NtkGpRmse));
        // ensemble.csv reads back as the rows it was written from (round-trip number format), and the comparison built on it
        // is the same whole or sharded.
        Assert.Equal(rows, SweepEnsemble.Read(Path.Combine(_dir, "whole")));
        Assert.Null(SweepEnsemble.Read(_dir));
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "whole", SweepComparison.FileName)),
            File.ReadAllText(Path.Combine(_dir, "sharded", SweepComparison.FileName)));
    }
}
