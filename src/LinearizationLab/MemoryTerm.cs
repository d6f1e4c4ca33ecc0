namespace LinearizationLab;

/// <summary>One allocation of a <see cref="MemoryEstimate"/>: what it is, its size in bytes, and how that size was counted.</summary>
/// <param name="Name">What is held, in the field's words: "parameters θ, θ0 and Δθ", "empirical NTK Θ̂ at a checkpoint".</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Detail">The count behind it (the formula's values, the largest tensor), or "".</param>
public sealed record MemoryTerm(string Name, long Bytes, string Detail = "")
{
    /// <summary>"NAME = SIZE (DETAIL)".</summary>
    public override string ToString() =>
        $"{Name} = {MemoryEstimate.Format(Bytes)}" + (Detail.Length > 0 ? $" ({Detail})" : "");
}
