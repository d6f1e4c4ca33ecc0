using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class SphereTeacherSetTests
{
    [Fact]
    public void PointsHaveNormSqrtD()
    {
        const int n = 500, d = 16;
        var x = SphereTeacherSet.Points(n, d, 11);

        for (int i = 0; i < n; i++)
        {
            double sq = 0;
            for (int j = 0; j < d; j++) sq += x[i * d + j] * x[i * d + j];
            // 16 squares and a rescaling: round-off of a few ulps of √16 = 4.
            Assert.Equal(Math.Sqrt(d), Math.Sqrt(sq), 1e-12);
        }
    }

    [Fact]
    public void CoordinatesHaveMeanZeroAndSecondMomentOne()
    {
        // Uniform on the sphere of radius √d: E[x_j] = 0 and E[x_j²] = (x·x)/d = 1 for every coordinate.
        const int n = 4000, d = 8;
        var x = SphereTeacherSet.Points(n, d, 12);

        for (int j = 0; j < d; j++)
        {
            var c = Enumerable.Range(0, n).Select(i => x[i * d + j]).ToArray();
            double mean = c.Average();
            // Var(x_j) = 1, so the standard error of the mean is 1/√n; allow 4 of them.
            Assert.InRange(mean, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
            var sq = c.Select(v => v * v).ToArray();
            double m2 = sq.Average();
            double se2 = Math.Sqrt(sq.Select(v => (v - m2) * (v - m2)).Average() / n);
            Assert.InRange(m2, 1 - 4 * se2, 1 + 4 * se2);
        }
    }

    [Fact]
    public void TrainAndTestAreDisjointDrawsLabelledByTheTeacher()
    {
        var teacher = new TeacherNetwork(8, width: 64, outputs: 2, seed: 5);

        var (train, test) = SphereTeacherSet.Create(100, 50, teacher, seed: 5);

        Assert.Equal((100, 50), (train.Count, test.Count));
        Assert.Equal([8], train.FeatureShape);
        Assert.Null(train.Labels);
        Assert.Equal(2, train.OutputCount);
        Assert.Equal(teacher.Evaluate(train.Inputs, 100), train.Targets);
        Assert.Equal(teacher.Evaluate(test.Inputs, 50), test.Targets);
        var trainRows = Enumerable.Range(0, 100).Select(i => string.Join(",", train.Inputs.Skip(i * 8).Take(8))).ToHashSet();
        Assert.DoesNotContain(Enumerable.Range(0, 50).Select(i => string.Join(",", test.Inputs.Skip(i * 8).Take(8))), trainRows.Contains);
    }

    [Fact]
    public void SameSeedGivesTheSameSetAndAnotherSeedADifferentOne()
    {
        var teacher = new TeacherNetwork(4, width: 16, seed: 1);

        var (a, _) = SphereTeacherSet.Create(20, 0, teacher, seed: 9);
        var (b, _) = SphereTeacherSet.Create(20, 0, teacher, seed: 9);
        var (c, _) = SphereTeacherSet.Create(20, 0, teacher, seed: 10);

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Targets, b.Targets);
        Assert.NotEqual(a.Inputs, c.Inputs);
    }
}
