namespace LinearizationLab.Experiments;

/// <summary>
/// The remaining time of a sweep, from measured run times rather than a rate. With t̂(n) from a
/// <see cref="RunTimeModel"/> fitted to the runs finished so far, and the current run at width n₀ a fraction f of
/// its time through after e seconds, its time is T̂ = (1 − f)·t̂(n₀) + f·(e/f) = (1 − f)·t̂(n₀) + e, the prediction
/// blended with the run's own pace, and
/// remaining = (1 − f)·T̂ + Σ_{later runs} t̂(n_i)·c_i, where c_i = T̂/t̂(n₀) for later runs at n₀ while no run at n₀
/// has finished (the current run calibrates an extrapolated width) and 1 otherwise.
/// A run has two phases of steps (the comparators: linearization and Taylor models, then the network) that cost differently; f is the time
/// fraction from the step fraction of each phase and the first phase's share of the time in the last finished run
/// (½ before any). Runs found on disk (a resumed sweep) count as measurements at widths this process has not run
/// yet; the first run of the process, which carries the one-time start-up costs, is left out once another run
/// has finished. It refits only when a run finishes, so <see cref="SecondsRemaining"/> is cheap enough for every step.
/// </summary>
public sealed class SweepEta
{
    private readonly int[] _widths;
    private readonly (int Width, double Seconds)[] _earlier;
    private readonly List<(int Width, double Seconds)> _measured = [];
    private int _next;
    private double _current, _rest, _sameWidthRest;
    private bool _known, _currentMeasured;

    /// <summary>
    /// Starts an estimate for runs at <paramref name="pendingWidths"/>, in the order they will run, given runs
    /// measured earlier (<see cref="SweepRunResult.WallSeconds"/> of runs found on disk).
    /// </summary>
    public SweepEta(IEnumerable<int> pendingWidths, IEnumerable<(int Width, double Seconds)>? earlierRuns = null)
    {
        _widths = pendingWidths.ToArray();
        _earlier = earlierRuns?.ToArray() ?? [];
        Refit();
    }

    /// <summary>
    /// How far beyond the widest measured run the estimate extrapolates: runs of small widths last fractions of a
    /// second and are mostly overhead and noise, and n^p over a factor of 32 turns that noise into hours (as seen on
    /// the main job before this bound); until a run within this factor of the widest pending width has finished, the
    /// remaining time is unknown.
    /// </summary>
    public const int MaxExtrapolation = 8;

    /// <summary>The model fitted to the runs measured so far; null before any.</summary>
    public RunTimeModel? Model { get; private set; }

    /// <summary>How many of the pending runs have finished.</summary>
    public int Finished => _next;

    /// <summary>The share of a run's time spent in its first phase, measured in the last finished run; ½ before.</summary>
    public double FirstPhaseShare { get; private set; } = 0.5;

    /// <summary>
    /// The fraction of the current run's time done when its first phase (<paramref name="secondPhase"/> false) or
    /// its second is <paramref name="phaseFraction"/> through its steps.
    /// </summary>
    public double RunFraction(bool secondPhase, double phaseFraction)
    {
        double f = Math.Clamp(phaseFraction, 0, 1);
        return secondPhase ? FirstPhaseShare + (1 - FirstPhaseShare) * f : FirstPhaseShare * f;
    }

    /// <summary>
    /// Records that the current run finished after <paramref name="seconds"/>, its first phase having ended after
    /// <paramref name="firstPhaseSeconds"/> when known; the next pending run becomes current.
    /// </summary>
    public void Finish(double seconds, double? firstPhaseSeconds = null)
    {
        if (_next >= _widths.Length) throw new InvalidOperationException("every pending run has already finished");
        _measured.Add((_widths[_next], seconds));
        if (firstPhaseSeconds is double first && seconds > 0 && first > 0 && first < seconds) FirstPhaseShare = first / seconds;
        _next++;
        Refit();
    }

    /// <summary>
    /// Seconds left when the current run is <paramref name="runFraction"/> (0 to 1, see <see cref="RunFraction"/>)
    /// through its time after <paramref name="runElapsedSeconds"/>; 0 when every run is done, null while some run's
    /// time cannot be predicted.
    /// </summary>
    public double? SecondsRemaining(double runFraction = 0, double runElapsedSeconds = 0)
    {
        if (_next >= _widths.Length) return 0;
        if (!_known) return null;
        double f = Math.Clamp(runFraction, 0, 1);
        double run = (1 - f) * _current + Math.Max(0, runElapsedSeconds);
        double calibration = _currentMeasured || _current <= 0 ? 1 : run / _current;
        return (1 - f) * run + _rest + _sameWidthRest * calibration;
    }

    private void Refit()
    {
        // The first run of a process pays for JIT compilation and native warm-up; keep it only while it is all we have.
        var fresh = _measured.Count > 1 ? _measured.Skip(1).ToList() : _measured;
        var freshWidths = fresh.Select(m => m.Width).ToHashSet();
        // Runs on disk may come from another machine or an older build: they stand in only for widths not yet run here.
        Model = RunTimeModel.Fit(fresh.Concat(_earlier.Where(e => !freshWidths.Contains(e.Width))));
        _known = false;
        if (Model is null || _next >= _widths.Length) return;
        int measuredMax = fresh.Concat(_earlier).Select(m => m.Width).DefaultIfEmpty(0).Max();
        if (_widths.Skip(_next).Max() > MaxExtrapolation * measuredMax) return;
        int width = _widths[_next];
        if (Model.Predict(width) is not double current) return;
        (_current, _rest, _sameWidthRest) = (current, 0, 0);
        _currentMeasured = Model.IsMeasured(width);
        for (int i = _next + 1; i < _widths.Length; i++)
        {
            if (Model.Predict(_widths[i]) is not double t) return;
            if (_widths[i] == width) _sameWidthRest += t;
            else _rest += t;
        }
        _known = true;
    }
}
