namespace LinearizationLab.Tests;

/// <summary>Facts about a memory estimate: its sum, its largest term, how sizes read, and the one-line refusal.</summary>
public class MemoryEstimateTests
{
    private static readonly MemoryEstimate Estimate = new(
    [
        new MemoryTerm("runtime", 200_000_000),
        new MemoryTerm("parameters θ, θ0 and Δθ", 960_000_000_000, "3·P·e"),
        new MemoryTerm("data", 1_000),
    ]);

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(4_100, "4.10 kB")]
    [InlineData(15_300_000, "15.3 MB")]
    [InlineData(812_000_000, "812 MB")]
    [InlineData(320_000_000_000, "320 GB")]
    [InlineData(999_600_000_000, "1.00 TB")]
    public void SizesReadInDecimalUnitsWithThreeDigits(long bytes, string text) => Assert.Equal(text, MemoryEstimate.Format(bytes));

    [Fact]
    public void TheEstimateIsTheSumOfItsTermsAndNamesTheLargest()
    {
        Assert.Equal(960_200_001_000, Estimate.Bytes);
        Assert.Equal("parameters θ, θ0 and Δθ", Estimate.Largest.Name);
        Assert.Equal("parameters θ, θ0 and Δθ = 960 GB (3·P·e)", Estimate.Largest.ToString());
        Assert.StartsWith("≈ 960 GB:\n  parameters", Estimate.ToString());   // largest first
    }

    [Fact]
    public void ARunThatCannotFitIsOneLineOfBadInputNamingTheLargestTermAndTheMemoryThereIs()
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            Estimate.EnsureFits("S.json", "widths", "width 200000", new AvailableMemory(23L << 30, "MemAvailable")));
        Assert.Equal("S.json: widths: width 200000 needs ≈ 960 GB, the largest part parameters θ, θ0 and Δθ = 960 GB (3·P·e); " +
                     "this machine has 23 GiB available (MemAvailable; LAB_MEMORY_CHECK=off skips this check)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Estimate.EnsureFits("S.json", "widths", "width 200000", new AvailableMemory(1L << 40, "MemAvailable"));   // 1.1 TB: fits
    }
}
