namespace LinearizationLab.Tests.Layers;

/// <summary>Comparison of two kernel maps over a grid of covariances, on the Cauchy–Schwarz scale of each entry.</summary>
internal static class KernelGrids
{
    /// <summary>
    /// |K − K'| ≤ tolerance·√(K(Σ11,Σ11,Σ11)·K(Σ22,Σ22,Σ22)) and the same for K̇ (scales from <paramref name="expected"/>): the
    /// largest |K| any correlation can give at those variances, so the error is relative to the kernel's size there.
    /// </summary>
    public static void AssertAgree(Func<double, double, double, (double Nngp, double Derivative)> expected,
        Func<double, double, double, (double Nngp, double Derivative)> actual, IEnumerable<(double S11, double S22, double S12)> grid,
        double tolerance)
    {
        foreach (var (s11, s22, s12) in grid)
        {
            var (k11, kDot11) = expected(s11, s11, s11);
            var (k22, kDot22) = expected(s22, s22, s22);
            var e = expected(s11, s22, s12);
            var a = actual(s11, s22, s12);
            double kScale = Math.Sqrt(Math.Abs(k11 * k22)), kDotScale = Math.Sqrt(Math.Abs(kDot11 * kDot22));
            Assert.True(Math.Abs(e.Nngp - a.Nngp) <= tolerance * kScale, $"K at ({s11}, {s22}, {s12}): {a.Nngp} vs {e.Nngp}");
            Assert.True(Math.Abs(e.Derivative - a.Derivative) <= tolerance * kDotScale,
                $"K̇ at ({s11}, {s22}, {s12}): {a.Derivative} vs {e.Derivative}");
        }
    }
}
