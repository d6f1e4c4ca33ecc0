namespace LinearizationLab;

/// <summary>
/// The peak memory of a run, estimated from its config before anything is allocated, as a sum of named terms (parameters,
/// training buffers, kernels, …; <see cref="Runs.RunMemory"/> writes each term's formula). A run whose estimate exceeds the
/// memory it can have (<see cref="AvailableMemory"/>) is refused as bad input, naming the largest term, before any file is written.
/// </summary>
/// <param name="Terms">The allocations that coexist at the run's peak.</param>
public sealed record MemoryEstimate(IReadOnlyList<MemoryTerm> Terms)
{
    /// <summary>
    /// Why the estimate is not checked, or null when it is: runs whose tensors live on a CUDA device are not checked, since the
    /// estimate counts host memory and the device's free memory is not read.
    /// </summary>
    public string? Unchecked { get; init; }

    /// <summary>Σ of the terms' bytes.</summary>
    public long Bytes => Terms.Sum(t => t.Bytes);

    /// <summary>The largest term, which the refusal names.</summary>
    public MemoryTerm Largest => Terms.MaxBy(t => t.Bytes) ?? new MemoryTerm("nothing", 0);

    /// <summary>
    /// Throws the one-line <see cref="InvalidInputException"/> "FILE: FIELD: WHAT needs ≈ SIZE (largest term); this machine has
    /// AVAILABLE available" when the estimate exceeds <paramref name="available"/> (the current machine's when null); does nothing
    /// when the available memory is unknown, the check is switched off (<see cref="AvailableMemory.CheckVariable"/>) or the
    /// estimate is <see cref="Unchecked"/>.
    /// </summary>
    public void EnsureFits(string file, string field, string what, AvailableMemory? available = null)
    {
        if (Unchecked is not null) return;
        available ??= AvailableMemory.Current();
        if (available is null || Bytes <= available.Bytes) return;
        throw new InvalidInputException(file, field,
            $"{what} needs ≈ {Format(Bytes)}, the largest part {Largest}; {available}");
    }

    /// <summary>The terms, largest first, one per line, and their sum.</summary>
    public override string ToString() =>
        string.Join("\n", Terms.OrderByDescending(t => t.Bytes).Select(t => $"  {t}").Prepend($"≈ {Format(Bytes)}:"));

    /// <summary>A size in decimal units with three significant digits: "320 GB", "1.53 GB", "812 MB", "4.10 kB".</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 999.5 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        string number = unit == 0 || value >= 99.95 ? value.ToString("0", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString(value >= 9.995 ? "0.0" : "0.00", System.Globalization.CultureInfo.InvariantCulture);
        return $"{number} {units[unit]}";
    }
}
