namespace LinearizationLab;

/// <summary>Numbers in the result files (run.json, gp.json).</summary>
public static class JsonNumber
{
    /// <summary>A number for JSON, which has no NaN or infinity: those become null.</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
