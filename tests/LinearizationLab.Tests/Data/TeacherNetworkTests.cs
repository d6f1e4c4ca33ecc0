using LinearizationLab.Data;

namespace LinearizationLab.Tests.Data;

public sealed class TeacherNetworkTests
{
    private static readonly double[] Inputs = SphereTeacherSet.Points(10, 6, 3);

    [Fact]
    public void TargetsAreDeterministicPerSeed()
    {
        var a = new TeacherNetwork(6, width: 32, depth: 2, outputs: 3, seed: 4).Evaluate(Inputs, 10);
        var b = new TeacherNetwork(6, width: 32, depth: 2, outputs: 3, seed: 4).Evaluate(Inputs, 10);
        var c = new TeacherNetwork(6, width: 32, depth: 2, outputs: 3, seed: 5).Evaluate(Inputs, 10);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(30, a.Length);
    }

    [Fact]
    public void OutputsHaveUnitSecondMomentOverTeachers()
    {
        // With N(0,1) weights, the √2 ReLU gain and x·x/d = 1, every hidden unit has E[h²] = 1 and the
        // readout (1/√width)·W·h has E[f²] = 1 exactly, at any width and depth.
        const int teachers = 1000;
        var f2 = new double[teachers];
        for (int s = 0; s < teachers; s++)
        {
            double f = new TeacherNetwork(6, width: 32, depth: 2, seed: s).Evaluate(Inputs.AsSpan(0, 6))[0];
            f2[s] = f * f;
        }
        double mean = f2.Average();
        double se = Math.Sqrt(f2.Select(v => (v - mean) * (v - mean)).Average() / teachers);
        Assert.InRange(mean, 1 - 4 * se, 1 + 4 * se);
    }

    [Fact]
    public void DepthZeroIsTheLinearReadout()
    {
        var teacher = new TeacherNetwork(6, depth: 0, seed: 2);
        var x = Inputs.AsSpan(0, 6).ToArray();
        var minus = x.Select(v => -v).ToArray();

        // Without hidden ReLUs, f(−x) = −f(x) exactly (the same products with flipped signs).
        Assert.Equal(-teacher.Evaluate(x)[0], teacher.Evaluate(minus)[0]);
    }

    [Fact]
    public void RejectsInputsOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new TeacherNetwork(6).Evaluate(new double[5]));
    }
}
