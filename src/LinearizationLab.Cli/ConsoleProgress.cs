using LinearizationLab.Experiments;
using LinearizationLab.Runs;
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

    /// <summary>The live display on stderr: description, bar, percentage, remaining and elapsed time.</summary>
    private static Progress LiveDisplay() => ErrorConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
            new EstimateColumn(), new ElapsedTimeColumn());

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
        LiveDisplay().Start(ctx =>
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
    /// Runs a sweep with a display of the analytic kernels' progress, then of runs done/total, the current width, seed
    /// and phase, and the ETA the runner estimates from measured run times (<see cref="SweepProgress.SecondsRemaining"/>).
    /// </summary>
    public static T Sweep<T>(Func<IProgress<SweepProgress>, T> work)
    {
        if (!Interactive)
        {
            DateTime? started = null;   // elapsed time counts from the first run, after the analytic kernels
            string current = "";
            var lines = new ActionProgress<SweepProgress>(p =>
            {
                if (p.Phase == WidthSweep.KernelPhase) return;
                started ??= DateTime.UtcNow;
                string run = p.Run;
                if (p.Phase == "done")
                {
                    double elapsed = (DateTime.UtcNow - started.Value).TotalSeconds;
                    string eta = p.SecondsRemaining is null ? "not yet known" : EstimateColumn.Format(p.SecondsRemaining);
                    Console.Error.WriteLine($"sweep: {p.Done}/{p.Total} runs done ({run}); elapsed {EstimateColumn.Format(elapsed)}, ETA {eta}");
                }
                else if (run != current)
                {
                    current = run;
                    Console.Error.WriteLine($"sweep: run {p.Done + 1}/{p.Total}: {run}");
                }
            });
            return work(lines);
        }
        T result = default!;
        LiveDisplay().Start(ctx =>
            {
                var runs = ctx.AddTask("runs");
                var phase = ctx.AddTask("current run");
                EstimateColumn.Set(runs, null);
                EstimateColumn.Hide(phase);
                var sink = new ActionProgress<SweepProgress>(p =>
                {
                    if (p.Total > 0)
                    {
                        runs.MaxValue = 1;
                        runs.Value = Math.Clamp(p.WorkFraction, 0, 1);
                        runs.Description = $"runs {p.Done}/{p.Total}";
                        EstimateColumn.Set(runs, p.SecondsRemaining);
                    }
                    phase.MaxValue = 1;
                    phase.Value = Math.Clamp(p.Fraction, 0, 1);
                    phase.Description = p.Phase == WidthSweep.KernelPhase ? p.Phase : $"{p.Run}: {p.Phase}";
                });
                result = work(sink);
                runs.Value = runs.MaxValue;
                EstimateColumn.Set(runs, 0);
                phase.Value = phase.MaxValue;
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
        LiveDisplay().Start(ctx =>
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
