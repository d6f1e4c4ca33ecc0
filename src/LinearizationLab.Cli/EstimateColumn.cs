using Spectre.Console;
using Spectre.Console.Rendering;

namespace LinearizationLab.Cli;

/// <summary>
/// A live-display column with a task's remaining time: the estimate the caller put on the task with
/// <see cref="Set"/> (a sweep's <see cref="Experiments.SweepProgress.SecondsRemaining"/>), nothing for a task
/// marked with <see cref="Hide"/>, and otherwise Spectre's extrapolation from the recent rate, which suits tasks
/// of uniform steps (training, kernel blocks).
/// </summary>
public sealed class EstimateColumn : ProgressColumn
{
    private const string ModeKey = "estimate_mode", SecondsKey = "estimate_seconds";
    private const int Rate = 0, Given = 1, Hidden = 2;

    /// <summary>Shows <paramref name="seconds"/> as <paramref name="task"/>'s remaining time; null shows it as not yet known.</summary>
    public static void Set(ProgressTask task, double? seconds)
    {
        task.State.Update<int>(ModeKey, _ => Given);
        task.State.Update<double>(SecondsKey, _ => seconds ?? double.NaN);
    }

    /// <summary>Shows no remaining time for <paramref name="task"/>.</summary>
    public static void Hide(ProgressTask task) => task.State.Update<int>(ModeKey, _ => Hidden);

    /// <summary>A duration as hh:mm:ss with hours past 24 (e.g. 27:03:10); "--:--:--" when unknown or over 99 hours.</summary>
    public static string Format(double? seconds) =>
        seconds is double s && double.IsFinite(s) && s >= 0 && s < 100 * 3600
            ? $"{(int)(s / 3600):D2}:{(int)(s % 3600 / 60):D2}:{(int)(s % 60):D2}"
            : "--:--:--";

    /// <inheritdoc/>
    protected override bool NoWrap => true;

    /// <inheritdoc/>
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        task.State.Get<int>(ModeKey) switch
        {
            Hidden => Text.Empty,
            Given => new Text(Format(task.State.Get<double>(SecondsKey)), new Style(Color.Blue)),
            _ => new Text(task.IsFinished ? Format(0) : Format(task.RemainingTime?.TotalSeconds), new Style(Color.Blue)),
        };

    /// <inheritdoc/>
    public override int? GetColumnWidth(RenderOptions options) => 8;
}
