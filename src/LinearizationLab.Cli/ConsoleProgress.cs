using LinearizationLab.Training;
using Spectre.Console;

namespace LinearizationLab.Cli;

/// <summary>
/// Shows a long task's progress: a live bar with ETA on a terminal, plain lines (about every 10%)
/// when output is redirected, so logs stay readable.
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Whether stderr is a terminal that can show a live display.</summary>
    public static bool Interactive => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    private static IAnsiConsole ErrorConsole { get; } =
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> with a progress sink for training steps, labelled <paramref name="label"/>.</summary>
    public static T Training<T>(string label, Func<IProgress<TrainingProgress>, T> work)
    {
        if (!Interactive)
        {
            int lastDecile = -1;
            var lines = new ActionProgress<TrainingProgress>(p =>
            {
                int decile = p.TotalSteps == 0 ? 10 : 10 * p.Step / p.TotalSteps;
                if (decile == lastDecile) return;
                lastDecile = decile;
                Console.Error.WriteLine($"{label}: step {p.Step}/{p.TotalSteps} loss {p.Loss:G5}");
            });
            return work(lines);
        }
        T result = default!;
        ErrorConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label);
                var sink = new ActionProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalSteps);
                    task.Value = p.Step;
                    task.Description = $"{label} loss {p.Loss:G4}";
                });
                result = work(sink);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a sink for the fraction done (0 to 1), labelled <paramref name="label"/>.
    /// Reports may come from several threads at once (parallel kernel blocks); they are serialized here.
    /// </summary>
    public static T Fraction<T>(string label, Func<IProgress<double>, T> work)
    {
        var gate = new object();
        if (!Interactive)
        {
            int lastDecile = -1;
            var lines = new ActionProgress<double>(f =>
            {
                lock (gate)
                {
                    int decile = (int)Math.Floor(10 * Math.Clamp(f, 0, 1));
                    if (decile <= lastDecile) return;
                    lastDecile = decile;
                    Console.Error.WriteLine($"{label}: {10 * decile}%");
                }
            });
            return work(lines);
        }
        T result = default!;
        ErrorConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1.0);
                var sink = new ActionProgress<double>(f =>
                {
                    lock (gate) task.Value = Math.Max(task.Value, Math.Clamp(f, 0, 1));
                });
                result = work(sink);
                task.Value = task.MaxValue;
            });
        return result;
    }
}
