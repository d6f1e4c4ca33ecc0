namespace LinearizationLab;

/// <summary>An <see cref="IProgress{T}"/> that runs its action synchronously on the reporting thread, keeping output in order.</summary>
public sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => action(value);
}
